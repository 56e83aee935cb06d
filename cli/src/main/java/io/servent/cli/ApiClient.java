package io.servent.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servent.node.ApiToken;
import io.servent.node.DataDirectory;
import io.servent.node.RuntimeInfo;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to a running daemon through its control API: finds it through {@code daemon.json}, sends
 * the token from {@code api.token}, and turns every failure into a {@link CliException} a person
 * understands. Use from one thread; one per command.
 */
final class ApiClient {
    private static final Logger log = LoggerFactory.getLogger(ApiClient.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final long MAX_RESPONSE_BYTES = 16 << 20;

    /** A response: the raw body (for {@code --json}) and its parsed form. */
    record Response(String body, JsonNode json) {}

    private final DataDirectory dir;
    private final RuntimeInfo runtime;
    private final ApiToken token;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();

    private ApiClient(DataDirectory dir, RuntimeInfo runtime, ApiToken token) {
        this.dir = dir;
        this.runtime = runtime;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A client for the daemon of {@code dir}, or exit code 3 when none is running. */
    static ApiClient forDirectory(DataDirectory dir) throws CliException {
        Optional<RuntimeInfo> runtime;
        Optional<ApiToken> token;
        try {
            runtime = dir.readRuntimeInfo();
            token = dir.readToken();
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(
                    ExitCodes.NO_DAEMON, "cannot find the daemon for " + dir.display() + ": " + e.getMessage());
        }
        if (runtime.isEmpty() || token.isEmpty()) {
            throw noDaemon(dir, "");
        }
        return new ApiClient(dir, runtime.get(), token.get());
    }

    static CliException noDaemon(DataDirectory dir, String detail) {
        return new CliException(
                ExitCodes.NO_DAEMON,
                "no daemon is running for " + dir.display() + detail + " — start one with `servent start"
                        + (dir.root()
                                        .equals(DataDirectory.at(DataDirectory.defaultRoot())
                                                .root())
                                ? ""
                                : " --data " + dir.display())
                        + "`");
    }

    RuntimeInfo runtime() {
        return runtime;
    }

    Response get(String path, Duration timeout) throws CliException {
        return send(HttpRequest.newBuilder(uri(path)).GET(), timeout);
    }

    Response post(String path, Object body, Duration timeout) throws CliException {
        return withBody("POST", path, body, timeout);
    }

    Response put(String path, Object body, Duration timeout) throws CliException {
        return withBody("PUT", path, body, timeout);
    }

    /**
     * {@code POST} to a route this daemon may not have (a feature of a newer build): null when it
     * answers 404, so a caller can say "not available" and go on.
     */
    @Nullable
    Response postIfPresent(String path, Object body, Duration timeout) throws CliException {
        try {
            return withBody("POST", path, body, timeout);
        } catch (NotFound e) {
            return null;
        }
    }

    /** {@code GET} of a route this daemon may not have: null when it answers 404. */
    @Nullable
    Response getIfPresent(String path, Duration timeout) throws CliException {
        try {
            return get(path, timeout);
        } catch (NotFound e) {
            return null;
        }
    }

    /** HTTP 404: no such route or resource. A {@link CliException} so every other caller reports it as before. */
    private static final class NotFound extends CliException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(ExitCodes.FAILED, message);
        }
    }

    Response delete(String path, Duration timeout) throws CliException {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), timeout);
    }

    private Response withBody(String method, String path, Object body, Duration timeout) throws CliException {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot encode a request", e);
        }
        return send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json)),
                timeout);
    }

    /**
     * Percent-encodes each {@code /}-separated segment of {@code text} (a topic or a DHT key without
     * its leading slash) so it can follow a route such as {@code pubsub/peers/}.
     */
    static String pathSegments(String text) {
        StringBuilder out = new StringBuilder();
        String[] segments = text.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (i > 0) {
                out.append('/');
            }
            out.append(java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20"));
        }
        return out.toString();
    }

    /**
     * Reads a Server-Sent Events stream from {@code path} until it ends, handing each event's data to
     * {@code onData} (on this thread). Errors before the stream starts are reported like any other.
     */
    void stream(String path, java.util.function.Consumer<String> onData) throws CliException {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + token.value())
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        HttpResponse<java.io.InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw unreachable();
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw unreachable();
            }
            throw new CliException(ExitCodes.FAILED, "the request to the daemon failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
        try (java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(response.body(), java.nio.charset.StandardCharsets.UTF_8))) {
            if (response.statusCode() >= 400) {
                char[] buffer = new char[64 * 1024];
                int n = lines.read(buffer);
                String body = n <= 0 ? "" : new String(buffer, 0, n);
                throw failed(response.statusCode(), body);
            }
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("data:")) {
                    onData.accept(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "the stream from the daemon broke: " + e.getMessage(), e);
        }
    }

    <T> T parse(Response response, Class<T> type) throws CliException {
        try {
            return mapper.treeToValue(response.json(), type);
        } catch (JacksonException e) {
            throw new CliException(
                    ExitCodes.FAILED, "the daemon answered with unexpected JSON: " + e.getOriginalMessage(), e);
        }
    }

    private URI uri(String path) {
        return URI.create(runtime.apiUrl() + "/api/v1/" + path);
    }

    private Response send(HttpRequest.Builder request, Duration timeout) throws CliException {
        HttpRequest built = request.timeout(timeout)
                .header("Authorization", "Bearer " + token.value())
                .header("Accept", "application/json")
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new CliException(
                    ExitCodes.FAILED,
                    "the daemon did not answer " + built.method() + " "
                            + built.uri().getPath() + " within " + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            log.debug("cannot reach {}", runtime.apiUrl(), e);
            throw unreachable();
        } catch (IOException e) {
            log.debug("request to {} failed", built.uri(), e);
            if (e.getCause() instanceof ConnectException) {
                throw unreachable();
            }
            throw new CliException(
                    ExitCodes.FAILED, "the request to the daemon at " + runtime.apiUrl() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
        if (response.body().length > MAX_RESPONSE_BYTES) {
            throw new CliException(ExitCodes.FAILED, "the daemon's answer is implausibly large");
        }
        String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (JacksonException e) {
            throw new CliException(
                    ExitCodes.FAILED,
                    "the daemon answered HTTP " + response.statusCode() + " with something that is not JSON");
        }
        if (response.statusCode() >= 400) {
            throw failed(response.statusCode(), body);
        }
        return new Response(body, json == null ? mapper.nullNode() : json);
    }

    /** An error answer: its {@code error} message, or the status when it has none. */
    private CliException failed(int status, String body) {
        @Nullable JsonNode error = null;
        try {
            JsonNode json = mapper.readTree(body);
            error = json == null ? null : json.get("error");
        } catch (JacksonException e) {
            // Not JSON: fall back on the status below.
        }
        String message = error != null && error.isTextual() ? error.asText() : "the daemon answered HTTP " + status;
        if (status == 401) {
            message += " (does " + dir.tokenFile() + " belong to this daemon?)";
        }
        if (status == 404) {
            return new NotFound(message);
        }
        return new CliException(ExitCodes.FAILED, message);
    }

    /** The runtime file names a daemon that does not answer: it died, or is not ours any more. */
    private CliException unreachable() {
        boolean alive =
                ProcessHandle.of(runtime.pid()).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
            return noDaemon(dir, " (" + RuntimeInfo.FILE_NAME + " is stale: pid " + runtime.pid() + " has exited)");
        }
        return new CliException(
                ExitCodes.NO_DAEMON,
                "the servent daemon for " + dir.display() + " (pid " + runtime.pid() + ") does not answer at "
                        + runtime.apiUrl() + "; it may still be starting or stopping");
    }
}
