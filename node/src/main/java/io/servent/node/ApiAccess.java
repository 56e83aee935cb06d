package io.servent.node;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Who may use the control API, and from where. A request is admitted when it carries the API token,
 * as {@code Authorization: Bearer <token>} (the CLI, scripts, Prometheus) or as the {@code
 * servent_token_<port>} cookie (the web UI; cookies are shared by every port of a host, so the name
 * carries the API's port and two daemons on one machine do not log each other out). A browser gets that cookie from a one-time login link, {@code
 * /login?token=<code>}, which the daemon prints at start: the code works once, expires after {@link
 * #CODE_LIFETIME}, and is not the API token, so a link left in a terminal's scrollback or a browser's
 * history is useless after its first use.
 *
 * <p>Browser defences, in the manner of Syncthing's GUI: no CORS headers at all (browsers then keep
 * other origins from reading answers); a state-changing request whose {@code Origin} or {@code
 * Sec-Fetch-Site} says it comes from another site is refused before authentication (so a page
 * elsewhere cannot make the browser act with the cookie, even if SameSite were ignored); and the
 * {@code Host} header must name a loopback address or {@code localhost}, which defeats DNS
 * rebinding. The cookie is HttpOnly (scripts cannot read it) and SameSite=Strict.
 *
 * <p>Thread-safe.
 */
final class ApiAccess {
    static final String COOKIE_PREFIX = "servent_token_";
    static final Duration CODE_LIFETIME = Duration.ofHours(24);

    /** Outstanding login codes; minting more drops the oldest. */
    static final int MAX_CODES = 16;

    private static final int CODE_BYTES = 24;
    private static final Set<HandlerType> SAFE_METHODS = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

    private final ApiToken token;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock lock = new ReentrantLock();
    /** Code → expiry, oldest first. Guarded by {@link #lock}. */
    private final Map<String, Instant> codes = new LinkedHashMap<>();

    ApiAccess(ApiToken token, Clock clock) {
        this.token = token;
        this.clock = clock;
    }

    /** Paths that need the token: the API and the metrics. The UI's static files and the login page do not. */
    static boolean isProtected(String path) {
        return path.startsWith(ControlApi.PREFIX + "/") || path.equals(ControlApi.PREFIX) || path.equals("/metrics");
    }

    /** Mints a single-use login code; the link is {@code <apiUrl>/login?token=<code>}. */
    String newLoginCode() {
        byte[] bytes = new byte[CODE_BYTES];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        lock.lock();
        try {
            dropExpired();
            while (codes.size() >= MAX_CODES) {
                Iterator<String> oldest = codes.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            codes.put(code, clock.instant().plus(CODE_LIFETIME));
        } finally {
            lock.unlock();
        }
        return code;
    }

    /** Uses up {@code code}; true if it was valid. Comparison does not leak how much of a guess matched. */
    boolean redeem(@Nullable String code) {
        if (code == null || code.length() > 64) {
            return false;
        }
        byte[] presented = code.getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            dropExpired();
            for (Iterator<String> it = codes.keySet().iterator(); it.hasNext(); ) {
                String candidate = it.next();
                if (MessageDigest.isEqual(presented, candidate.getBytes(StandardCharsets.UTF_8))) {
                    it.remove();
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void dropExpired() {
        Instant now = clock.instant();
        codes.values().removeIf(expiry -> !now.isBefore(expiry));
    }

    /** The cookie's name for the API on {@code port}. */
    static String cookieName(int port) {
        return COOKIE_PREFIX + port;
    }

    /** The cookie a redeemed login sets: the API token, HttpOnly, SameSite=Strict, for the whole origin. */
    Cookie loginCookie(int port) {
        return new Cookie(cookieName(port), token.value(), "/", -1, false, true, null, SameSite.STRICT);
    }

    /**
     * Runs before every request: refuses foreign hosts and cross-site state changes (403), then
     * demands the token on protected paths (401).
     */
    void check(Context ctx) throws NodeException {
        if (!loopbackHost(ctx.host())) {
            throw new NodeException(
                    NodeException.Kind.FORBIDDEN,
                    "this API answers only requests addressed to 127.0.0.1, [::1] or localhost, not to '"
                            + abbreviate(String.valueOf(ctx.host())) + "'");
        }
        if (!SAFE_METHODS.contains(ctx.method()) && crossSite(ctx)) {
            throw new NodeException(
                    NodeException.Kind.FORBIDDEN,
                    "cross-origin " + ctx.method() + " requests are refused; use the web UI served by this daemon");
        }
        if (isProtected(ctx.path()) && !authenticated(ctx)) {
            throw new NodeException(
                    NodeException.Kind.UNAUTHORIZED,
                    "missing or wrong API token: send 'Authorization: Bearer <token>' with the token from"
                            + " api.token, or open the login link 'servent start' prints");
        }
    }

    boolean authenticated(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null) {
            return token.matchesHeader(header);
        }
        String cookie = ctx.cookie(cookieName(ctx.port()));
        return cookie != null && token.matchesHeader("Bearer " + cookie);
    }

    /** Whether the request says it comes from a page of another origin than this API's. */
    static boolean crossSite(Context ctx) {
        String fetchSite = ctx.header("Sec-Fetch-Site");
        if (fetchSite != null && fetchSite.equals("cross-site")) {
            return true;
        }
        String origin = ctx.header("Origin");
        if (origin == null) {
            return false; // not a browser, or a same-origin GET-like navigation: nothing to compare
        }
        String host = ctx.host();
        try {
            URI uri = URI.create(origin);
            String authority = uri.getRawAuthority();
            return !"http".equals(uri.getScheme()) || authority == null || !authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return true; // "null" (sandboxed frames, file://) and garbage
        }
    }

    /** {@code Host} names a loopback IP literal or localhost (with any port). */
    static boolean loopbackHost(@Nullable String host) {
        if (host == null || host.isEmpty() || host.length() > 300) {
            return false;
        }
        String name = host;
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = name.substring(1, end);
        } else {
            int colon = name.lastIndexOf(':');
            if (colon >= 0) {
                name = name.substring(0, colon);
            }
        }
        name = name.toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.equals("::1") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "…";
    }
}
