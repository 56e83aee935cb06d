package io.servent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.util.function.Supplier;

/**
 * The web UI: static files from the jar ({@code /web} on the classpath) at {@code /}, the one-time
 * login link {@code GET /login?token=<code>} that sets the token cookie and redirects to the UI, and
 * {@code POST /api/v1/login-link} for a fresh link ({@code servent open}). Adds the headers that keep
 * the UI from being framed, sniffed or leaking its URLs. Thread-safe.
 */
final class WebUiRoutes implements ApiRoutes {
    static final String LOGIN = "/login";
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self';"
            + " script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /** A fresh link, e.g. {@code http://127.0.0.1:4080/login?token=…}. */
    record LoginLink(String url) {}

    private final ApiAccess access;
    private final Supplier<String> loginUrl;

    WebUiRoutes(ApiAccess access, Supplier<String> loginUrl) {
        this.access = access;
        this.loginUrl = loginUrl;
    }

    @Override
    public void register(JavalinConfig config, ObjectMapper json) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/web";
            files.location = Location.CLASSPATH;
        });
        config.routes.before(ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("Referrer-Policy", "no-referrer");
            if (ApiAccess.isProtected(ctx.path()) || ctx.path().equals(LOGIN)) {
                ctx.header("Cache-Control", "no-store");
            } else {
                ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                ctx.header("Cache-Control", "no-cache");
            }
        });
        config.routes.get(LOGIN, ctx -> {
            if (!access.redeem(ctx.queryParam("token"))) {
                throw new NodeException(
                        NodeException.Kind.UNAUTHORIZED,
                        "this login link was already used or has expired; run 'servent open' for a new one");
            }
            ctx.cookie(access.loginCookie(ctx.port()));
            ctx.redirect("/", HttpStatus.SEE_OTHER);
        });
        config.routes.post(ControlApi.PREFIX + "/login-link", ctx -> ctx.json(new LoginLink(loginUrl.get())));
    }
}
