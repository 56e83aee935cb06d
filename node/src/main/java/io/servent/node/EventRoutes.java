package io.servent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live data: {@code GET /api/v1/events} (Server-Sent Events from the {@link EventBus}), {@code GET
 * /api/v1/traffic} (the recent bandwidth samples) and {@code GET /api/v1/logs} (recent warnings).
 * Each event stream runs on its own virtual thread, sending a comment every {@link #HEARTBEAT} so
 * proxies keep it open and a vanished client is noticed. Thread-safe.
 */
final class EventRoutes implements ApiRoutes {
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Logger log = LoggerFactory.getLogger(EventRoutes.class);

    private final EventBus events;
    private final TrafficMonitor traffic;
    private final WarningLog warnings;

    EventRoutes(EventBus events, TrafficMonitor traffic, WarningLog warnings) {
        this.events = events;
        this.traffic = traffic;
        this.warnings = warnings;
    }

    @Override
    public void register(JavalinConfig config, ObjectMapper json) {
        String prefix = ControlApi.PREFIX;
        config.routes.get(prefix + "/traffic", ctx -> ctx.json(traffic.history()));
        config.routes.get(prefix + "/logs", ctx -> ctx.json(warnings.recent()));
        config.routes.sse(prefix + "/events", this::stream);
    }

    private void stream(SseClient client) {
        EventBus.Subscription subscription;
        try {
            subscription = events.subscribe();
        } catch (NodeException e) {
            client.sendEvent("error", new ControlApi.ApiError(String.valueOf(e.getMessage())));
            return;
        }
        try (subscription) {
            client.sendEvent("hello", "{\"heartbeatSeconds\":" + HEARTBEAT.toSeconds() + "}");
            while (!client.terminated() && !subscription.dropped()) {
                Optional<EventBus.Event> event = subscription.next(HEARTBEAT);
                if (event.isPresent()) {
                    client.sendEvent(
                            event.get().type(),
                            event.get().json(),
                            Long.toString(event.get().id()));
                } else if (!subscription.dropped()) {
                    client.sendComment("heartbeat");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("event stream ended: {}", e.toString());
        }
    }
}
