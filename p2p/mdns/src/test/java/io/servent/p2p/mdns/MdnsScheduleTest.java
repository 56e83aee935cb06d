package io.servent.p2p.mdns;

import static io.servent.p2p.mdns.MdnsSchedule.Action.QUERY;
import static io.servent.p2p.mdns.MdnsSchedule.Action.RESPOND;
import static io.servent.p2p.mdns.MdnsSchedule.Action.RESPOND_SERVICES;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The schedule with a fake clock: plain numbers of nanoseconds, starting near overflow on purpose. */
@Timeout(10)
class MdnsScheduleTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = nearOverflow(); // the clock wraps around during each test

    private static long nearOverflow() {
        return Long.MAX_VALUE - 5 * SECOND;
    }

    @Test
    void queriesAndAnnouncesAtStartThenQueriesEveryInterval() {
        MdnsSchedule s = new MdnsSchedule(Duration.ofSeconds(10));
        s.start(T0);

        assertThat(s.due(T0)).containsExactlyInAnyOrder(QUERY, RESPOND);
        assertThat(s.nextDeadline(T0)).isEqualTo(T0 + SECOND); // the second announcement
        assertThat(s.due(T0 + SECOND)).containsExactly(RESPOND);
        assertThat(s.nextDeadline(T0 + SECOND)).isEqualTo(T0 + 10 * SECOND);
        assertThat(s.due(T0 + 5 * SECOND)).isEmpty();
        assertThat(s.due(T0 + 10 * SECOND)).containsExactly(QUERY);
        assertThat(s.due(T0 + 15 * SECOND)).isEmpty();
        assertThat(s.due(T0 + 20 * SECOND)).containsExactly(QUERY);
    }

    @Test
    void aFloodOfQueriesCostsOneResponsePerSecond() {
        MdnsSchedule s = new MdnsSchedule(Duration.ofSeconds(100));
        s.start(T0);
        s.due(T0);
        s.due(T0 + SECOND); // both announcements out

        int responses = 0;
        for (long t = T0 + 2 * SECOND; t - (T0 + 12 * SECOND) < 0; t += SECOND / 1000) {
            s.peersQueried(t); // a thousand queries a second
            if (s.due(t).contains(RESPOND)) {
                responses++;
            }
        }
        assertThat(responses).isEqualTo(10);
    }

    @Test
    void aQueryInTheQuietTimeIsAnsweredWhenItEnds() {
        MdnsSchedule s = new MdnsSchedule(Duration.ofSeconds(100));
        s.start(T0);
        s.due(T0);
        s.due(T0 + SECOND);

        s.peersQueried(T0 + SECOND + SECOND / 4);

        assertThat(s.due(T0 + SECOND + SECOND / 4)).isEmpty();
        assertThat(s.nextDeadline(T0 + SECOND + SECOND / 4)).isEqualTo(T0 + 2 * SECOND);
        assertThat(s.due(T0 + 2 * SECOND)).containsExactly(RESPOND);
        assertThat(s.due(T0 + 3 * SECOND)).isEmpty();
    }

    @Test
    void aQueryAfterTheQuietTimeIsAnsweredAtOnce() {
        MdnsSchedule s = new MdnsSchedule(Duration.ofSeconds(100));
        s.start(T0);
        s.due(T0);
        s.due(T0 + SECOND);

        s.peersQueried(T0 + 7 * SECOND);

        assertThat(s.due(T0 + 7 * SECOND)).containsExactly(RESPOND);
    }

    @Test
    void serviceEnumerationHasItsOwnLimit() {
        MdnsSchedule s = new MdnsSchedule(Duration.ofSeconds(100));
        s.start(T0);
        s.due(T0);

        s.servicesQueried(T0 + 1);
        s.peersQueried(T0 + 1);

        assertThat(s.due(T0 + 1)).containsExactly(RESPOND_SERVICES); // peers: still quiet after the announcement
        s.servicesQueried(T0 + 2);
        assertThat(s.due(T0 + 2)).isEmpty();
        assertThat(s.due(T0 + SECOND + 1)).containsExactlyInAnyOrder(RESPOND, RESPOND_SERVICES);
    }

    @Test
    void addressChangesAnnounceTwiceAgain() {
        MdnsSchedule s = new MdnsSchedule(Duration.ofSeconds(100));
        s.start(T0);
        s.due(T0);
        s.due(T0 + SECOND);

        s.announce(T0 + 30 * SECOND);

        assertThat(s.nextDeadline(T0 + 30 * SECOND)).isEqualTo(T0 + 30 * SECOND);
        assertThat(s.due(T0 + 30 * SECOND)).containsExactly(RESPOND);
        assertThat(s.due(T0 + 31 * SECOND)).containsExactly(RESPOND);
        assertThat(s.due(T0 + 32 * SECOND)).isEmpty();
    }

    @Test
    void queryNowPullsTheNextQueryForward() {
        MdnsSchedule s = new MdnsSchedule(Duration.ofSeconds(100));
        s.start(T0);
        s.due(T0);

        s.queryNow(T0 + 3 * SECOND);

        assertThat(s.due(T0 + 3 * SECOND)).contains(QUERY);
        assertThat(s.nextDeadline(T0 + 3 * SECOND)).isEqualTo(T0 + 103 * SECOND);
    }

    @Test
    void nothingIsDueBeforeStart() {
        MdnsSchedule s = new MdnsSchedule(Duration.ofSeconds(10));
        assertThat(s.due(T0)).isEmpty();
        assertThat(s.nextDeadline(T0)).isEqualTo(T0 + 10 * SECOND);
    }
}
