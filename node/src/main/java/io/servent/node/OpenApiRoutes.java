package io.servent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 description of every route, a hand-written resource
 * ({@code io/servent/node/openapi.json}). Hand-written rather than generated from annotations because
 * the routes are few and thin, the document then says what a person means (error texts, units,
 * which routes are live), and Javalin's OpenAPI plugin would add an annotation processor and a
 * version lock-step with Javalin; {@code OpenApiDocumentTest} keeps it true by failing when a
 * registered route is missing from it or it names a route that does not exist. Public (no token):
 * it holds nothing secret. Thread-safe.
 */
final class OpenApiRoutes implements ApiRoutes {
    static final String PATH = "/api/openapi.json";
    static final String RESOURCE = "openapi.json";

    private final byte[] document;

    OpenApiRoutes() {
        this.document = load();
    }

    static byte[] load() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void register(JavalinConfig config, ObjectMapper json) {
        config.routes.get(PATH, ctx -> ctx.contentType("application/json").result(document));
    }
}
