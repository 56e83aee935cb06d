package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ApiAccessTest {
    private static final ApiToken TOKEN = ApiToken.of("secret-token");

    @Test
    void loginCodesWorkOnceAndExpire() {
        MutableClock clock = new MutableClock();
        ApiAccess access = new ApiAccess(TOKEN, clock);
        String code = access.newLoginCode();
        assertThat(code).isNotEqualTo(TOKEN.value()).hasSizeGreaterThan(30);
        assertThat(access.redeem(code)).isTrue();
        assertThat(access.redeem(code)).isFalse();

        String late = access.newLoginCode();
        clock.now = clock.now.plus(ApiAccess.CODE_LIFETIME);
        assertThat(access.redeem(late)).isFalse();
        assertThat(access.redeem(null)).isFalse();
        assertThat(access.redeem("x".repeat(10_000))).isFalse();
    }

    @Test
    void mintingMoreThanTheBoundDropsTheOldest() {
        ApiAccess access = new ApiAccess(TOKEN, Clock.systemUTC());
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < ApiAccess.MAX_CODES + 1; i++) {
            codes.add(access.newLoginCode());
        }
        assertThat(access.redeem(codes.get(0))).isFalse();
        assertThat(access.redeem(codes.get(codes.size() - 1))).isTrue();
    }

    @Test
    void onlyLoopbackHostsAreServed() {
        assertThat(ApiAccess.loopbackHost("127.0.0.1:4080")).isTrue();
        assertThat(ApiAccess.loopbackHost("127.1.2.3")).isTrue();
        assertThat(ApiAccess.loopbackHost("localhost:4080")).isTrue();
        assertThat(ApiAccess.loopbackHost("[::1]:4080")).isTrue();
        assertThat(ApiAccess.loopbackHost("evil.example:4080")).isFalse();
        assertThat(ApiAccess.loopbackHost("127.0.0.1.evil.example")).isFalse();
        assertThat(ApiAccess.loopbackHost("localhost.evil.example")).isFalse();
        assertThat(ApiAccess.loopbackHost("10.0.0.1")).isFalse();
        assertThat(ApiAccess.loopbackHost("[::1")).isFalse();
        assertThat(ApiAccess.loopbackHost(null)).isFalse();
        assertThat(ApiAccess.loopbackHost("")).isFalse();
    }

    @Test
    void protectedPaths() {
        assertThat(ApiAccess.isProtected("/api/v1/id")).isTrue();
        assertThat(ApiAccess.isProtected("/metrics")).isTrue();
        assertThat(ApiAccess.isProtected("/api/openapi.json")).isFalse();
        assertThat(ApiAccess.isProtected("/login")).isFalse();
        assertThat(ApiAccess.isProtected("/app.js")).isFalse();
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
