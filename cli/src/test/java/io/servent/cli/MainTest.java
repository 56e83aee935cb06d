package io.servent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MainTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpDocumentsCommandsAndExitCodes() {
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains("start", "stop", "id", "peers", "connect", "ping", "perf", "dht", "pubsub", "network", "demo")
                .contains("Exit codes:")
                .containsPattern("0 +the command succeeded")
                .containsPattern("1 +the operation failed")
                .containsPattern("2 +usage error")
                .containsPattern("3 +no daemon is running");
    }

    @Test
    void everyCommandTakesData() {
        for (String command : new String[] {"start", "stop", "id", "peers", "connect", "ping", "perf", "demo"}) {
            assertThat(run(command, "--help").out()).as(command).contains("--data=DIR");
        }
        for (String command : new String[] {"stop", "id", "peers", "connect", "ping", "perf", "network"}) {
            assertThat(run(command, "--help").out()).as(command).contains("--json");
        }
        for (String command : new String[] {"find-peer", "provide", "providers", "put", "get", "stats"}) {
            assertThat(run("dht", command, "--help").out()).as(command).contains("--json", "--data=DIR");
        }
        for (String command : new String[] {"sub", "pub", "peers"}) {
            assertThat(run("pubsub", command, "--help").out()).as(command).contains("--json", "--data=DIR");
        }
    }

    @Test
    void topicsAndKeysArePercentEncodedPerSegment() {
        assertThat(ApiClient.pathSegments("servent/my name/ü")).isEqualTo("servent/my%20name/%C3%BC");
        assertThat(ApiClient.pathSegments("a?b#c")).isEqualTo("a%3Fb%23c");
        // A topic may start with a slash; the empty first segment stays, so the route sees it.
        assertThat(ApiClient.pathSegments("/chat/x")).isEqualTo("/chat/x");
        Run noSubcommand = run("dht");
        assertThat(noSubcommand.code()).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("find-peer, provide, providers, put, get or stats");
    }

    @Test
    void usageErrorsExitTwoWithAHint() {
        Run unknown = run("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("servent: Unmatched argument").contains("servent --help");
        Run badSize = run("perf", "/ip4/127.0.0.1/tcp/1", "--upload", "12 parsecs");
        assertThat(badSize.code()).isEqualTo(2);
        assertThat(badSize.err()).contains("unknown unit 'parsecs'");
        Run badListen = run("start", "--listen", "/ip4/1.2.3.4/udpx/1");
        assertThat(badListen.code()).isEqualTo(2);
        assertThat(badListen.err()).contains("--listen /ip4/1.2.3.4/udpx/1");
        assertThat(run().code()).isEqualTo(2);
    }

    @Test
    void sizesAcceptUnits() {
        SizeConverter sizes = new SizeConverter();
        assertThat(sizes.convert("256MiB")).isEqualTo(256L << 20);
        assertThat(sizes.convert("1GB")).isEqualTo(1_000_000_000L);
    }
}
