package io.servent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;

/**
 * A group of control API routes that a feature adds to the server (shares, events, metrics,
 * settings, the web UI…), so each feature keeps its routes beside its code and {@link ControlApi}
 * stays the same size as features are added. Every route must also be in {@code openapi.json}; a
 * test enforces it.
 */
interface ApiRoutes {
    /** Adds this group's routes (and any static files) to {@code config}; {@code json} reads bodies. */
    void register(JavalinConfig config, ObjectMapper json);
}
