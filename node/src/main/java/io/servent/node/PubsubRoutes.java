package io.servent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.servent.p2p.gossipsub.GossipsubMessage;
import io.servent.p2p.gossipsub.GossipsubSubscription;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossipsub's routes under {@code /api/v1/pubsub}: {@code POST publish {topic, message}}, {@code GET
 * peers/TOPIC}, {@code GET topics} and {@code GET subscribe/TOPIC}, a stream of Server-Sent Events,
 * one {@code message} event per message with a {@link PubsubService.Message} as JSON data. TOPIC is
 * the rest of the path (it may contain slashes; percent-encode other special characters).
 *
 * <p>The stream is written by hand rather than with Javalin's SSE helper so that a bad topic or a
 * full node still gets an ordinary JSON error before the stream starts. It sends a comment every
 * {@link #KEEP_ALIVE} so a client that went away is noticed (the write fails) and its subscription
 * closed, and it ends when the node closes gossipsub. Each stream runs on its request's virtual
 * thread.
 */
final class PubsubRoutes {
    static final String BASE = ControlApi.PREFIX + "/pubsub";
    static final Duration KEEP_ALIVE = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(PubsubRoutes.class);

    /** {@code POST pubsub/publish}: {@code message} is text (UTF-8). */
    public record PublishRequest(
            @Nullable String topic, @Nullable String message) {}

    private PubsubRoutes() {}

    static void register(RoutesConfig routes, PubsubService pubsub, ObjectMapper json) {
        routes.post(BASE + "/publish", ctx -> {
            PublishRequest request = ControlApi.body(ctx, json, PublishRequest.class);
            String message = request.message();
            if (message == null) {
                throw new NodeException(NodeException.Kind.BAD_INPUT, "the request needs a \"message\" field");
            }
            ctx.json(pubsub.publish(ControlApi.required(request.topic(), "topic"), message));
        });
        routes.get(BASE + "/peers/<topic>", ctx -> ctx.json(pubsub.peers(ctx.pathParam("topic"))));
        routes.get(BASE + "/topics", ctx -> ctx.json(pubsub.topics()));
        routes.get(BASE + "/subscribe/<topic>", ctx -> stream(ctx, pubsub.subscribe(ctx.pathParam("topic")), json));
    }

    private static void stream(Context ctx, PubsubService.Stream stream, ObjectMapper json) {
        try (stream) {
            GossipsubSubscription subscription = stream.subscription();
            ctx.status(200);
            ctx.res().setContentType("text/event-stream;charset=utf-8");
            ctx.res().setHeader("Cache-Control", "no-cache");
            OutputStream out = ctx.res().getOutputStream();
            write(out, ": subscribed to " + oneLine(subscription.topic()) + "\n\n");
            long lastWrite = System.nanoTime();
            while (!subscription.isClosed()) {
                Optional<GossipsubMessage> next = subscription.poll(POLL);
                if (next.isPresent()) {
                    String data = json.writeValueAsString(PubsubService.Message.of(next.get()));
                    write(out, "event: message\ndata: " + data + "\n\n");
                    lastWrite = System.nanoTime();
                } else if (System.nanoTime() - lastWrite >= KEEP_ALIVE.toNanos()) {
                    write(out, ": keep-alive\n\n");
                    lastWrite = System.nanoTime();
                }
            }
        } catch (IOException e) {
            log.debug("pubsub stream ended: the client went away ({})", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A comment line must not contain a line break, or the rest would be read as a field. */
    private static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }
}
