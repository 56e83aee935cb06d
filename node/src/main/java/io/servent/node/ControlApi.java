package io.servent.node;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local control API: HTTP + JSON on a loopback address. {@link ApiAccess} admits requests (the
 * token as a bearer header or login cookie, no CORS, cross-site changes and foreign hosts refused).
 * Core routes are thin: they parse, call {@link NodeService} and render; features add theirs as
 * {@link ApiRoutes} groups (shares, events, metrics, settings, the web UI). Handlers run on virtual
 * threads. Thread-safe.
 *
 * <p>Core routes (under {@code /api/v1}): {@code GET id}, {@code GET peers}, {@code POST connect},
 * {@code POST ping}, {@code POST perf}, {@code POST shutdown}; the DHT's ({@link DhtRoutes}),
 * gossipsub's ({@link PubsubRoutes}) and {@code GET network} ({@link NetworkRoutes}) come in as a feature;
 * all routes are in {@code openapi.json}.
 * Errors are {@code {"error": "…"}} everywhere, Javalin's own included: 400 (bad input), 401
 * (token), 403 (foreign origin or host), 404 (unknown peer or route), 405, 500, 502 (peer
 * unreachable or refused), 503 (this node refused), 504 (timeout).
 */
public final class ControlApi implements AutoCloseable {
    public static final String PREFIX = "/api/v1";
    private static final long MAX_REQUEST_BYTES = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(ControlApi.class);

    /** The body of every error response. */
    public record ApiError(String error) {}

    /** {@code POST connect}. */
    public record ConnectRequest(@Nullable String address) {}

    /** {@code POST ping}; {@code count} defaults to 1. */
    public record PingRequest(
            @Nullable String target, @Nullable Integer count) {}

    /** {@code POST perf}; sizes in bytes, defaulting to 0. */
    public record PerfRequest(
            @Nullable String address,
            @Nullable Long uploadBytes,
            @Nullable Long downloadBytes) {}

    /** {@code POST shutdown}. */
    public record ShutdownResponse(String status) {}

    private final Javalin app;

    private ControlApi(Javalin app) {
        this.app = app;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    /** Starts serving {@code service} on {@code address}; port 0 picks a free port. */
    static ControlApi start(NodeService service, ApiToken token, InetSocketAddress address) throws StartupException {
        return start(service, new ApiAccess(token, java.time.Clock.systemUTC()), address, List.of());
    }

    /** Serves {@code service} and the {@code features}' routes, admitting requests through {@code access}. */
    static ControlApi start(NodeService service, ApiAccess access, InetSocketAddress address, List<ApiRoutes> features)
            throws StartupException {
        ObjectMapper json = mapper();
        Javalin app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(json, true));
            config.jetty.modifyServer(server -> server.setStopTimeout(2_000));
            config.routes.before(access::check);
            for (ApiRoutes feature : features) {
                feature.register(config, json);
            }
            config.routes.get(PREFIX + "/id", ctx -> ctx.json(service.identity()));
            config.routes.get(PREFIX + "/peers", ctx -> ctx.json(service.peers()));
            config.routes.post(PREFIX + "/connect", ctx -> {
                ConnectRequest request = body(ctx, json, ConnectRequest.class);
                ctx.json(service.connect(required(request.address(), "address")));
            });
            config.routes.post(PREFIX + "/ping", ctx -> {
                PingRequest request = body(ctx, json, PingRequest.class);
                int count = request.count() == null ? 1 : request.count();
                ctx.json(service.ping(required(request.target(), "target"), count));
            });
            config.routes.post(PREFIX + "/perf", ctx -> {
                PerfRequest request = body(ctx, json, PerfRequest.class);
                ctx.json(service.perf(
                        required(request.address(), "address"),
                        request.uploadBytes() == null ? 0 : request.uploadBytes(),
                        request.downloadBytes() == null ? 0 : request.downloadBytes()));
            });
            config.routes.post(PREFIX + "/shutdown", ctx -> {
                ctx.status(202).json(new ShutdownResponse("stopping"));
                service.shutdown();
            });
            config.routes.exception(NodeException.class, (e, ctx) -> {
                ctx.status(status(e.kind())).json(new ApiError(String.valueOf(e.getMessage())));
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) -> {
                // Javalin's own refusals (no route, wrong method, body too large…) in our error shape.
                ctx.status(e.getStatus()).json(new ApiError(javalinMessage(ctx, e)));
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.warn("control API {} {} failed", ctx.method(), ctx.path(), e);
                ctx.status(500).json(new ApiError("internal error: " + e));
            });
            config.routes.error(404, ctx -> {
                // Our own 404s (unknown peer) already carry a JSON error; unmatched routes get one here.
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/json")) {
                    ctx.json(new ApiError(
                            (ctx.path().startsWith("/api") ? "no such API route: " : "there is nothing at ")
                                    + ctx.method() + " " + ctx.path()));
                }
            });
            config.routes.error(405, ctx -> ctx.json(new ApiError(ctx.method() + " is not allowed on " + ctx.path())));
        });
        try {
            app.start(address.getAddress().getHostAddress(), address.getPort());
        } catch (RuntimeException e) {
            app.stop();
            throw new StartupException(
                    "cannot listen on " + hostPort(address) + " (control API): "
                            + (causedBy(e, BindException.class)
                                    ? "address already in use"
                                    : String.valueOf(e.getMessage()))
                            + " (change [api].listen or pass --api-port)",
                    e);
        }
        return new ControlApi(app);
    }

    /**
     * Every registered HTTP route as {@code "METHOD /path"} (before/after filters excluded), for the
     * test that holds {@code openapi.json} to the real routes.
     */
    List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(p -> p.endpoint)
                .filter(e -> e.method.isHttpMethod())
                // Javalin's <name> (a parameter that may hold slashes) is {name} in OpenAPI.
                .map(e -> e.method.name() + " " + e.path.replaceAll("<([^>]+)>", "{$1}"))
                .sorted()
                .toList();
    }

    public int port() {
        return app.port();
    }

    static <T> T body(Context ctx, ObjectMapper json, Class<T> type) throws NodeException {
        try {
            return json.readValue(ctx.bodyAsBytes(), type);
        } catch (JacksonException e) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT, "request body is not the expected JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "cannot read the request body: " + e.getMessage());
        }
    }

    static String required(@Nullable String value, String field) throws NodeException {
        if (value == null || value.isBlank()) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "the request needs a \"" + field + "\" field");
        }
        return value;
    }

    private static String javalinMessage(Context ctx, HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 ->
                (ctx.path().startsWith("/api") ? "no such API route: " : "there is nothing at ") + ctx.method() + " "
                        + ctx.path();
            case 405 -> ctx.method() + " is not allowed on " + ctx.path();
            case 413 -> "the request body is larger than " + MAX_REQUEST_BYTES / 1024 + " KiB";
            default -> String.valueOf(e.getMessage());
        };
    }

    static int status(NodeException.Kind kind) {
        return switch (kind) {
            case BAD_INPUT -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case UNREACHABLE -> 502;
            case UNAVAILABLE -> 503;
            case TIMEOUT -> 504;
        };
    }

    static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Stops serving; in-flight requests get up to two seconds. */
    @Override
    public void close() {
        app.stop();
    }
}
