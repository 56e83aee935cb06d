package io.servent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code servent}: lists the commands. */
@Command(
        name = "servent",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "A peer-to-peer servent: a client and a server at once.",
            "Run 'servent demo' to watch two local peers meet, or 'servent start' to run a node."
        },
        subcommands = {
            StartCommand.class,
            StopCommand.class,
            IdCommand.class,
            PeersCommand.class,
            ConnectCommand.class,
            PingCommand.class,
            PerfCommand.class,
            DhtCommand.class,
            PubsubCommand.class,
            NetworkCommand.class,
            ShareCommand.class,
            UnshareCommand.class,
            SharesCommand.class,
            BrowseCommand.class,
            SearchCommand.class,
            GetCommand.class,
            DownloadsCommand.class,
            ExplainCommand.class,
            ConfigCommand.class,
            OpenCommand.class,
            DemoCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the command succeeded",
            "1:the operation failed (peer unreachable, bad answer, …)",
            "2:usage error (unknown command or option, bad value)",
            "3:no daemon is running for the data directory"
        },
        footer = {"%nEvery command takes --data DIR (default ~/.servent); client commands take --json."})
final class ServentCommand implements Runnable {
    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command, e.g. 'servent demo' or 'servent start'");
    }
}
