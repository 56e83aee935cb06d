package io.servent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.jspecify.annotations.Nullable;

/**
 * The DHT's routes under {@code /api/v1/dht}: {@code POST find-peer {peer}}, {@code POST provide
 * {cid}}, {@code GET providers/{cid}?max=N}, {@code POST put {key, value}}, {@code GET get/KEY}
 * (KEY without its leading slash, e.g. {@code get/servent/NAME}; see {@link DhtKey}) and {@code GET
 * stats}. Thin: parse, call {@link DhtService}, render.
 */
final class DhtRoutes {
    static final String BASE = ControlApi.PREFIX + "/dht";

    /** {@code POST dht/find-peer}. */
    public record FindPeerRequest(@Nullable String peer) {}

    /** {@code POST dht/provide}. */
    public record ProvideRequest(@Nullable String cid) {}

    /** {@code POST dht/put}: {@code value} is text (UTF-8). */
    public record PutRequest(@Nullable String key, @Nullable String value) {}

    private DhtRoutes() {}

    static void register(RoutesConfig routes, DhtService dht, ObjectMapper json) {
        routes.post(BASE + "/find-peer", ctx -> {
            FindPeerRequest request = ControlApi.body(ctx, json, FindPeerRequest.class);
            ctx.json(dht.findPeer(ControlApi.required(request.peer(), "peer")));
        });
        routes.post(BASE + "/provide", ctx -> {
            ProvideRequest request = ControlApi.body(ctx, json, ProvideRequest.class);
            ctx.json(dht.provide(ControlApi.required(request.cid(), "cid")));
        });
        routes.get(BASE + "/providers/{cid}", ctx -> ctx.json(dht.providers(ctx.pathParam("cid"), max(ctx))));
        routes.post(BASE + "/put", ctx -> {
            PutRequest request = ControlApi.body(ctx, json, PutRequest.class);
            String value = request.value();
            if (value == null) {
                throw new NodeException(NodeException.Kind.BAD_INPUT, "the request needs a \"value\" field");
            }
            ctx.json(dht.put(ControlApi.required(request.key(), "key"), value));
        });
        routes.get(BASE + "/get/<key>", ctx -> ctx.json(dht.get("/" + ctx.pathParam("key"))));
        routes.get(BASE + "/stats", ctx -> ctx.json(dht.stats()));
    }

    private static int max(Context ctx) throws NodeException {
        String text = ctx.queryParam("max");
        if (text == null || text.isBlank()) {
            return DhtService.DEFAULT_PROVIDERS;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "max must be a whole number, not '" + text + "'");
        }
    }
}
