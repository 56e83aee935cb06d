package io.servent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import org.jspecify.annotations.Nullable;

/**
 * Search, downloads and explain, as the files contract gives them: {@code /api/v1/searches},
 * {@code /api/v1/downloads} (with pause, resume and DELETE), {@code /api/v1/explain/{cid}}, and
 * {@code /api/v1/files/status} (flooding role, links and the last publication of this node's shares).
 * Thread-safe.
 */
final class SearchRoutes implements ApiRoutes {
    /** {@code POST searches}. */
    record SearchRequest(
            @Nullable String words,
            @Nullable String mode,
            @Nullable String type,
            @Nullable Long minSize,
            @Nullable Long maxSize) {}

    /** {@code POST downloads}. */
    record DownloadRequest(
            @Nullable String cid,
            @Nullable String name,
            @Nullable String dir,
            @Nullable Boolean sequential) {}

    private final NodeSearch search;

    SearchRoutes(NodeSearch search) {
        this.search = search;
    }

    @Override
    public void register(JavalinConfig config, ObjectMapper json) {
        String prefix = ControlApi.PREFIX;
        config.routes.post(prefix + "/searches", ctx -> {
            SearchRequest r = ControlApi.body(ctx, json, SearchRequest.class);
            NodeSearch.SearchView view = search.search(r.words(), r.mode(), r.type(), r.minSize(), r.maxSize());
            ctx.status(201).json(view);
        });
        config.routes.get(prefix + "/searches/{id}", ctx -> ctx.json(search.searchView(ctx.pathParam("id"))));
        config.routes.delete(prefix + "/searches/{id}", ctx -> {
            search.removeSearch(ctx.pathParam("id"));
            ctx.status(204);
        });
        config.routes.get(prefix + "/downloads", ctx -> ctx.json(search.downloads()));
        config.routes.post(prefix + "/downloads", ctx -> {
            DownloadRequest r = ControlApi.body(ctx, json, DownloadRequest.class);
            ctx.status(201).json(search.download(r.cid(), r.name(), r.dir(), r.sequential() != null && r.sequential()));
        });
        config.routes.get(prefix + "/downloads/{id}", ctx -> ctx.json(search.downloadView(id(ctx))));
        config.routes.post(prefix + "/downloads/{id}/pause", ctx -> ctx.json(search.pause(id(ctx))));
        config.routes.post(prefix + "/downloads/{id}/resume", ctx -> ctx.json(search.resume(id(ctx))));
        config.routes.delete(prefix + "/downloads/{id}", ctx -> {
            search.cancel(id(ctx));
            ctx.status(204);
        });
        config.routes.get(prefix + "/files/status", ctx -> ctx.json(search.status()));
        config.routes.get(prefix + "/explain/{cid}", ctx -> ctx.json(search.explain(ctx.pathParam("cid"))));
    }

    private static long id(Context ctx) throws NodeException {
        String text = ctx.pathParam("id");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "a download id is a number, not '" + text + "'");
        }
    }
}
