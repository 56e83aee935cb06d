package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servent.node.PubsubService;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code servent pubsub …}: gossipsub publish/subscribe through the daemon. */
@Command(
        name = "pubsub",
        mixinStandardHelpOptions = true,
        description = {
            "Publish and subscribe with gossipsub (/meshsub/1.1.0). A TOPIC is any text of 1-"
                    + PubsubService.MAX_TOPIC_BYTES + " bytes; peers meet on the same TOPIC."
        },
        subcommands = {PubsubCommand.Sub.class, PubsubCommand.Pub.class, PubsubCommand.Peers.class})
final class PubsubCommand implements Runnable {
    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a pubsub command: sub, pub or peers");
    }

    @Command(
            name = "sub",
            mixinStandardHelpOptions = true,
            description = {
                "Subscribe to TOPIC and print each message as it arrives, until Ctrl-C or the daemon stops.",
                "Text messages print as 'PEERID: TEXT', others in base64; --json prints one JSON object a line."
            })
    static final class Sub extends ClientCommand {
        @Parameters(paramLabel = "TOPIC", description = "The topic.")
        @SuppressWarnings("NullAway.Init")
        String topic;

        @Override
        int run(ApiClient client, PrintWriter out) throws CliException {
            ObjectMapper mapper = new ObjectMapper();
            client.stream("pubsub/subscribe/" + ApiClient.pathSegments(topic), data -> {
                if (output.json) {
                    out.println(data);
                } else {
                    try {
                        JsonNode m = mapper.readTree(data);
                        String text = m.path("data").asText();
                        out.println(m.path("from").asText("?") + ": "
                                + (m.path("encoding").asText().equals("base64") ? "(base64) " + text : text));
                    } catch (com.fasterxml.jackson.core.JacksonException e) {
                        out.println(data);
                    }
                }
                // Each message at once, also when the output is a pipe.
                out.flush();
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "pub", mixinStandardHelpOptions = true, description = "Publish MESSAGE (text) on TOPIC.")
    static final class Pub extends ClientCommand {
        @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
        @SuppressWarnings("NullAway.Init")
        String topic;

        @Parameters(index = "1", paramLabel = "MESSAGE", description = "The message, as text.")
        @SuppressWarnings("NullAway.Init")
        String message;

        @Override
        int run(ApiClient client, PrintWriter out) throws CliException {
            ApiClient.Response response =
                    client.post("pubsub/publish", Map.of("topic", topic, "message", message), Duration.ofSeconds(30));
            if (printedJson(response, out)) {
                return ExitCodes.OK;
            }
            PubsubService.PublishResult result = client.parse(response, PubsubService.PublishResult.class);
            out.println("published to " + result.recipients() + (result.recipients() == 1 ? " peer" : " peers")
                    + (result.recipients() == 0 ? " (no subscriber known yet)" : ""));
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "peers",
            mixinStandardHelpOptions = true,
            description = "List peers subscribed to TOPIC; those in this node's mesh are marked 'mesh'.")
    static final class Peers extends ClientCommand {
        @Parameters(paramLabel = "TOPIC", description = "The topic.")
        @SuppressWarnings("NullAway.Init")
        String topic;

        @Override
        int run(ApiClient client, PrintWriter out) throws CliException {
            ApiClient.Response response =
                    client.get("pubsub/peers/" + ApiClient.pathSegments(topic), Duration.ofSeconds(10));
            if (printedJson(response, out)) {
                return ExitCodes.OK;
            }
            PubsubService.TopicPeers peers = client.parse(response, PubsubService.TopicPeers.class);
            if (peers.peers().isEmpty()) {
                out.println("no peer is subscribed to " + peers.topic());
            }
            for (String p : peers.peers()) {
                out.println(p + (peers.mesh().contains(p) ? "  mesh" : ""));
            }
            return ExitCodes.OK;
        }
    }
}
