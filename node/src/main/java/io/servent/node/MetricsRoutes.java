package io.servent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;

/**
 * {@code GET /metrics}: Prometheus' text format. Token-protected like every API route (as
 * Syncthing's {@code /metrics} is): scrape it with {@code authorization: {credentials_file:
 * <data>/api.token}} in the Prometheus job. The API listens on loopback only, so a scraper on
 * another host needs a local agent or tunnel anyway. Thread-safe.
 */
final class MetricsRoutes implements ApiRoutes {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final NodeMetrics metrics;

    MetricsRoutes(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void register(JavalinConfig config, ObjectMapper json) {
        config.routes.get("/metrics", ctx -> ctx.contentType(CONTENT_TYPE).result(metrics.scrape()));
    }
}
