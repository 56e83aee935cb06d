package io.servent.p2p.mdns;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * When an mDNS peer sends what: queries at start and then every query interval; its response when
 * asked, but never the same records more often than once per {@link #MIN_RESPONSE_INTERVAL} (RFC
 * 6762 §6: a burst of queries costs one response, so a flood cannot turn this peer into an
 * amplifier, and a query that falls inside the quiet time is answered when it ends rather than
 * dropped); and unsolicited announcements at start and when this host's addresses change, sent
 * twice one second apart (RFC 6762 §8.3). Times are {@link System#nanoTime()}-style nanoseconds,
 * compared overflow-safely.
 *
 * <p>Sans-I/O: it is told what happened and when, and says what is due. Not thread-safe: its owner
 * guards it.
 */
final class MdnsSchedule {
    static final Duration MIN_RESPONSE_INTERVAL = Duration.ofSeconds(1);
    static final int ANNOUNCEMENTS = 2;

    enum Action {
        /** Multicast the {@code _p2p._udp.local} query. */
        QUERY,
        /** Multicast this peer's response. */
        RESPOND,
        /** Multicast the DNS-SD service enumeration answer. */
        RESPOND_SERVICES
    }

    private final long queryInterval;
    private final RateLimited response = new RateLimited();
    private final RateLimited servicesResponse = new RateLimited();
    private boolean queryDue;
    private long queryAt;
    private int announcementsLeft;
    private long announceAt;

    MdnsSchedule(Duration queryInterval) {
        if (queryInterval.isNegative() || queryInterval.isZero()) {
            throw new IllegalArgumentException("the query interval must be positive, not " + queryInterval);
        }
        this.queryInterval = queryInterval.toNanos();
    }

    /** Query and announce now. */
    void start(long now) {
        queryNow(now);
        announce(now);
    }

    void queryNow(long now) {
        queryDue = true;
        queryAt = now;
    }

    /** Announce (again) now and once more a second later, e.g. because the addresses changed. */
    void announce(long now) {
        announcementsLeft = ANNOUNCEMENTS;
        announceAt = now;
    }

    /** A query for peers arrived: respond as soon as the rate limit allows. */
    void peersQueried(long now) {
        response.request(now);
    }

    void servicesQueried(long now) {
        servicesResponse.request(now);
    }

    /** What is due at {@code now}; performing it is the caller's job. */
    Set<Action> due(long now) {
        Set<Action> out = EnumSet.noneOf(Action.class);
        if (queryDue && now - queryAt >= 0) {
            out.add(Action.QUERY);
            queryAt = now + queryInterval;
        }
        if (announcementsLeft > 0 && now - announceAt >= 0) {
            response.request(now);
            announcementsLeft--;
            announceAt = now + MIN_RESPONSE_INTERVAL.toNanos();
        }
        if (response.fire(now)) {
            out.add(Action.RESPOND);
        }
        if (servicesResponse.fire(now)) {
            out.add(Action.RESPOND_SERVICES);
        }
        return out;
    }

    /**
     * The time of the next due action; {@code now + queryInterval} at the latest (so a caller that
     * waits until then never oversleeps).
     */
    long nextDeadline(long now) {
        long next = now + queryInterval;
        if (queryDue) {
            next = earlier(next, queryAt);
        }
        if (announcementsLeft > 0) {
            next = earlier(next, announceAt);
        }
        if (response.pending) {
            next = earlier(next, response.dueAt);
        }
        if (servicesResponse.pending) {
            next = earlier(next, servicesResponse.dueAt);
        }
        return next;
    }

    private static long earlier(long a, long b) {
        return b - a < 0 ? b : a;
    }

    /** Records that may go out at most once per {@link #MIN_RESPONSE_INTERVAL}. */
    private static final class RateLimited {
        private boolean pending;
        private long dueAt;
        private boolean sentBefore;
        private long lastSent;

        void request(long now) {
            if (pending) {
                return; // one response answers every query that arrived meanwhile
            }
            pending = true;
            dueAt = sentBefore && now - earliest() < 0 ? earliest() : now;
        }

        long earliest() {
            return lastSent + MIN_RESPONSE_INTERVAL.toNanos();
        }

        boolean fire(long now) {
            if (!pending || now - dueAt < 0) {
                return false;
            }
            pending = false;
            sentBefore = true;
            lastSent = now;
            return true;
        }
    }
}
