package io.servent.node;

import io.servent.p2p.host.BasicHost;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the daemon serves beyond its core routes, opened and closed together: access control (token,
 * cookie, login links), the event bus with its traffic monitor and warning log, Prometheus metrics,
 * the file-sharing application, settings, the OpenAPI document and the web UI. Keeps {@link Daemon}
 * a list of parts rather than a list of fields.
 *
 * <p>Thread-safe. {@link #close()} closes what it opened, in reverse order.
 */
final class ApiFeatures implements AutoCloseable {
    private final ApiAccess access;
    private final EventBus events;
    private final WarningLog warnings;
    private final TrafficMonitor traffic;
    private final NodeMetrics metrics;
    private final NodeFiles files;
    private final DataDirectory dir;
    private final NodeConfig config;
    private volatile @Nullable NodeSearch search;

    private ApiFeatures(
            ApiAccess access,
            EventBus events,
            WarningLog warnings,
            TrafficMonitor traffic,
            NodeMetrics metrics,
            NodeFiles files,
            DataDirectory dir,
            NodeConfig config) {
        this.access = access;
        this.events = events;
        this.warnings = warnings;
        this.traffic = traffic;
        this.metrics = metrics;
        this.files = files;
        this.dir = dir;
        this.config = config;
    }

    /** Opens everything; on failure closes what was opened. */
    static ApiFeatures open(BasicHost host, DataDirectory dir, NodeConfig config, ApiToken token)
            throws StartupException {
        NodeFiles files = NodeFiles.open(host, dir.root());
        EventBus events = new EventBus(ControlApi.mapper());
        WarningLog warnings = WarningLog.attach(events);
        TrafficMonitor traffic = new TrafficMonitor(host, host.metrics(), events);
        NodeMetrics metrics = new NodeMetrics(host, host.metrics(), events);
        ApiFeatures features = new ApiFeatures(
                new ApiAccess(token, Clock.systemUTC()), events, warnings, traffic, metrics, files, dir, config);
        try {
            files.start();
        } catch (StartupException | RuntimeException e) {
            features.close();
            throw e;
        }
        return features;
    }

    ApiAccess access() {
        return access;
    }

    /** The bus other services publish live events on ({@code search-hit}, {@code download}, …). */
    EventBus events() {
        return events;
    }

    NodeMetrics metrics() {
        return metrics;
    }

    NodeFiles files() {
        return files;
    }

    /** Starts search and downloads once the network services (DHT) run. */
    void startSearch(BasicHost host, NetworkServices network) throws StartupException {
        network.dht().ifPresent(metrics::bindDht);
        search = NodeSearch.start(host, files, network, config.files(), dir.root(), events, metrics.registry());
    }

    /** The route groups; {@code loginUrl} mints a fresh one-time login link. */
    List<ApiRoutes> routes(Supplier<String> loginUrl) {
        List<ApiRoutes> out = new ArrayList<>(List.of(
                new WebUiRoutes(access, loginUrl),
                new OpenApiRoutes(),
                new EventRoutes(events, traffic, warnings),
                new MetricsRoutes(metrics),
                new ShareRoutes(files),
                new SettingsRoutes(dir, config)));
        NodeSearch running = search;
        if (running != null) {
            out.add(new SearchRoutes(running));
        }
        return out;
    }

    @Override
    public void close() {
        NodeSearch running = search;
        if (running != null) {
            running.close();
        }
        events.close();
        traffic.close();
        warnings.detach();
        metrics.close();
        files.close();
    }
}
