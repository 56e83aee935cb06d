package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code openapi.json} matches the routes a real daemon registers, both ways: a route added without
 * documenting it fails here (add it to {@code node/src/main/resources/io/servent/node/openapi.json}),
 * and so does a documented route that does not exist.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenApiDocumentTest {
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

    @Test
    void everyRegisteredRouteIsDocumentedAndNothingElse(@TempDir Path temp) throws Exception {
        JsonNode doc = new ObjectMapper().readTree(OpenApiRoutes.load());
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        List<String> documented = new ArrayList<>();
        doc.get("paths").properties().forEach(path -> {
            for (String method : METHODS) {
                JsonNode op = path.getValue().get(method);
                if (op != null) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                    assertThat(op.get("summary").asText())
                            .as(method + " " + path.getKey())
                            .isNotBlank();
                    assertThat(op.get("responses").size())
                            .as(method + " " + path.getKey())
                            .isPositive();
                }
            }
        });
        try (Daemon daemon = Daemon.start(temp, ControlApiTest::loopback)) {
            List<String> registered = daemon.controlApi().routes();
            assertThat(registered).contains("GET /api/v1/id", "GET /api/v1/shares", "GET /metrics");
            assertThat(documented)
                    .as("routes registered in the daemon but missing from openapi.json")
                    .containsAll(registered);
            assertThat(registered)
                    .as("routes in openapi.json that the daemon does not register")
                    .containsAll(documented);
        }
    }

    @Test
    void referencesResolve() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(OpenApiRoutes.load());
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    out.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}
