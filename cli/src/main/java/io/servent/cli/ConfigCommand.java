package io.servent.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servent.node.ConfigFile;
import io.servent.node.DataDirectory;
import io.servent.node.NodeConfig;
import io.servent.node.StartupException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code servent config}: the effective configuration as TOML. With a daemon running, what it runs
 * with (file plus command-line flags), from its API; otherwise what {@code servent.toml} and the
 * defaults would give (and the file's problems, if it has any).
 */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Print the effective configuration (of the running daemon, else of servent.toml + defaults).")
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    DataOption data = new DataOption();

    @Option(names = "--json", description = "Print the control API's JSON (running daemon) instead of TOML.")
    boolean json;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Override
    public Integer call() throws CliException {
        PrintWriter out = spec.commandLine().getOut();
        DataDirectory dir = data.directory();
        boolean running = dir.runtimeFile().toFile().exists();
        if (running) {
            ApiClient client = ApiClient.forDirectory(dir);
            ApiClient.Response response = client.get("settings", Duration.ofSeconds(10));
            if (json) {
                out.println(response.body());
            } else {
                out.println("# effective configuration of the daemon running for " + dir.display()
                        + " (servent.toml + flags)");
                out.print(toml(response.json().path("effective")));
                for (Map.Entry<String, JsonNode> bound :
                        response.json().path("bound").properties()) {
                    out.println("# " + bound.getKey() + " is running on "
                            + bound.getValue().asText() + " (the system chose the port)");
                }
                if (response.json().path("restartRequired").asBoolean()) {
                    out.println("# " + dir.configFile() + " has changed since the daemon started;"
                            + " restart it to apply the file");
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
        try {
            NodeConfig config = ConfigFile.read(dir.configFile(), NodeConfig.defaults());
            out.println("# no daemon is running for " + dir.display() + "; this is what "
                    + (dir.configFile().toFile().exists() ? dir.configFile() + " and the defaults" : "the defaults")
                    + " give");
            out.print(toml(ConfigFile.toJson(config)));
            out.flush();
            return ExitCodes.OK;
        } catch (StartupException e) {
            throw new CliException(ExitCodes.FAILED, String.valueOf(e.getMessage()), e);
        }
    }

    /** {@code {section: {key: value}}} as TOML sections; JSON strings and arrays of strings are TOML too. */
    static String toml(JsonNode settings) throws CliException {
        ObjectMapper json = new ObjectMapper();
        StringBuilder out = new StringBuilder();
        try {
            for (Map.Entry<String, JsonNode> section : settings.properties()) {
                out.append('[').append(section.getKey()).append("]\n");
                for (Map.Entry<String, JsonNode> key : section.getValue().properties()) {
                    out.append(key.getKey())
                            .append(" = ")
                            .append(json.writeValueAsString(key.getValue()))
                            .append('\n');
                }
                out.append('\n');
            }
        } catch (JacksonException e) {
            throw new CliException(ExitCodes.FAILED, "cannot print the settings: " + e.getOriginalMessage(), e);
        }
        return out.toString();
    }
}
