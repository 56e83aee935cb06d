package io.servent.node;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/v1/settings} and {@code PUT /api/v1/settings}: the configuration as JSON in the
 * shape of {@code servent.toml} ({@code {"limits": {"max_connections": 500}, …}}). A PUT merges the
 * given keys over what the file holds, checks the result with the same rules and messages as a start
 * (400 listing every problem), and writes the file atomically; the running daemon keeps its settings
 * until it is restarted ({@code restartRequired} says whether the file changed since the daemon read it). Thread-safe:
 * writes are serialized.
 */
final class SettingsRoutes implements ApiRoutes {
    /**
     * The settings: what runs now (file plus command-line flags), what the file says (null with
     * {@code fileError} when it cannot be read), and whether the file changed since the daemon read it.
     */
    record Settings(
            ObjectNode effective,
            @Nullable ObjectNode saved,
            @Nullable String fileError,
            boolean restartRequired,
            String file,
            Map<String, String> bound) {}

    private final DataDirectory dir;
    private final NodeConfig running;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final @Nullable ObjectNode savedAtStart;

    SettingsRoutes(DataDirectory dir, NodeConfig running) {
        this.dir = dir;
        this.running = running;
        this.savedAtStart = saved().orElse(null);
    }

    private java.util.Optional<ObjectNode> saved() {
        try {
            return java.util.Optional.of(ConfigFile.toJson(ConfigFile.read(dir.configFile(), NodeConfig.defaults())));
        } catch (StartupException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public void register(JavalinConfig config, ObjectMapper json) {
        config.routes.get(ControlApi.PREFIX + "/settings", ctx -> ctx.json(settings(bound(ctx.port()))));
        config.routes.put(ControlApi.PREFIX + "/settings", ctx -> {
            JsonNode body;
            try {
                body = json.readTree(ctx.bodyAsBytes());
            } catch (JacksonException e) {
                throw new NodeException(
                        NodeException.Kind.BAD_INPUT,
                        "request body is not the expected JSON: " + e.getOriginalMessage());
            }
            if (!(body instanceof ObjectNode changes)) {
                throw new NodeException(
                        NodeException.Kind.BAD_INPUT,
                        "the settings are an object of sections, e.g. {\"log\": {\"level\": \"debug\"}}");
            }
            ctx.json(save(changes, bound(ctx.port())));
        });
    }

    /**
     * What settings that leave a choice to the system (port 0) were given: the API's port is the one
     * this request came in on.
     */
    private Map<String, String> bound(int apiPort) {
        String listen =
                ConfigFile.hostPort(new java.net.InetSocketAddress(running.api().getAddress(), apiPort));
        return running.api().getPort() == 0 ? Map.of("api.listen", listen) : Map.of();
    }

    Settings settings(Map<String, String> bound) {
        ObjectNode effective = ConfigFile.toJson(running);
        try {
            NodeConfig saved = ConfigFile.read(dir.configFile(), NodeConfig.defaults());
            ObjectNode savedJson = ConfigFile.toJson(saved);
            return new Settings(
                    effective,
                    savedJson,
                    null,
                    !savedJson.equals(savedAtStart),
                    dir.configFile().toString(),
                    bound);
        } catch (StartupException e) {
            return new Settings(
                    effective, null, e.getMessage(), true, dir.configFile().toString(), bound);
        }
    }

    private Settings save(ObjectNode changes, Map<String, String> bound) throws NodeException {
        writeLock.lock();
        try {
            NodeConfig defaults = NodeConfig.defaults();
            NodeConfig current;
            try {
                current = ConfigFile.read(dir.configFile(), defaults);
            } catch (StartupException e) {
                current = defaults; // a broken file is replaced by a valid one
            }
            ObjectNode merged = ConfigFile.toJson(current);
            for (Iterator<Map.Entry<String, JsonNode>> it = changes.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> section = it.next();
                JsonNode target = merged.get(section.getKey());
                if (section.getValue() instanceof ObjectNode keys && target instanceof ObjectNode existing) {
                    existing.setAll(keys);
                } else {
                    merged.set(section.getKey(), section.getValue()); // reported by the parser below
                }
            }
            NodeConfig next;
            try {
                next = ConfigFile.fromJson(merged, defaults, "the settings");
            } catch (StartupException e) {
                throw new NodeException(NodeException.Kind.BAD_INPUT, String.valueOf(e.getMessage()));
            } catch (IllegalArgumentException e) {
                throw new NodeException(NodeException.Kind.BAD_INPUT, "invalid settings: " + e.getMessage());
            }
            try {
                AtomicFile.write(
                        dir.configFile(), ConfigFile.render(next, defaults).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new NodeException(
                        NodeException.Kind.UNAVAILABLE, "cannot write " + dir.configFile() + ": " + e.getMessage(), e);
            }
            return settings(bound);
        } finally {
            writeLock.unlock();
        }
    }
}
