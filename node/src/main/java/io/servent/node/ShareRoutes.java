package io.servent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Shares and browsing, as the files contract gives them: {@code GET/POST /api/v1/shares}, {@code
 * PUT/DELETE /api/v1/shares/{id}} and {@code GET /api/v1/browse/{peer}}. Thread-safe.
 */
final class ShareRoutes implements ApiRoutes {
    /** {@code POST shares}: a folder and who may see it (default everyone). */
    record ShareRequest(@Nullable String dir, @Nullable List<String> to) {}

    /** {@code PUT shares/{id}}: a new access list. */
    record AccessRequest(@Nullable List<String> to) {}

    private final NodeFiles files;

    ShareRoutes(NodeFiles files) {
        this.files = files;
    }

    @Override
    public void register(JavalinConfig config, ObjectMapper json) {
        String prefix = ControlApi.PREFIX;
        config.routes.get(prefix + "/shares", ctx -> ctx.json(files.shares()));
        config.routes.post(prefix + "/shares", ctx -> {
            ShareRequest request = ControlApi.body(ctx, json, ShareRequest.class);
            ctx.status(201).json(files.share(ControlApi.required(request.dir(), "dir"), request.to()));
        });
        config.routes.put(prefix + "/shares/{id}", ctx -> {
            AccessRequest request = ControlApi.body(ctx, json, AccessRequest.class);
            ctx.json(files.setAccess(id(ctx), request.to()));
        });
        config.routes.delete(prefix + "/shares/{id}", ctx -> {
            files.unshare(id(ctx));
            ctx.status(204);
        });
        config.routes.get(prefix + "/browse/{peer}", ctx -> ctx.json(files.browse(ctx.pathParam("peer"))));
    }

    private static long id(Context ctx) throws NodeException {
        String text = ctx.pathParam("id");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "a share id is a number, not '" + text + "'");
        }
    }
}
