package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls a daemon's control API with its token and checks the answer's status. */
final class ApiCalls {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ApiCalls() {}

    static String token(Daemon d) throws Exception {
        return d.dataDirectory().readToken().orElseThrow().value();
    }

    static HttpRequest.Builder request(Daemon d, String path) throws Exception {
        return HttpRequest.newBuilder(URI.create(d.apiUrl() + "/api/v1/" + path))
                .header("Authorization", "Bearer " + token(d));
    }

    static HttpResponse<String> call(Daemon d, String method, String path, String body) throws Exception {
        return HTTP.send(
                request(d, path)
                        .timeout(Duration.ofSeconds(60))
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(Daemon d, String method, String path, String body) throws Exception {
        HttpResponse<String> response = call(d, method, path, body);
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static JsonNode get(Daemon d, String path) throws Exception {
        return ok(d, "GET", path, "");
    }

    static JsonNode post(Daemon d, String path, Object body) throws Exception {
        return ok(d, "POST", path, JSON.writeValueAsString(body));
    }

    /** Expects {@code status} and a JSON error; returns its message. */
    static String error(Daemon d, String method, String path, Object body, int status) throws Exception {
        HttpResponse<String> response =
                call(d, method, path, body instanceof String s ? s : JSON.writeValueAsString(body));
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isEqualTo(status);
        return JSON.readTree(response.body()).get("error").asText();
    }

    /** The elements of a JSON array of strings. */
    static java.util.List<String> strings(JsonNode array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    static HttpClient http() {
        return HTTP;
    }
}
