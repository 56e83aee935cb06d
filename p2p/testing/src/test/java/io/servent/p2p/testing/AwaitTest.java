package io.servent.p2p.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AwaitTest {
    @Test
    void returnsAtOnceWhenTheConditionAlreadyHolds() {
        AtomicInteger polls = new AtomicInteger();
        Await.until(Duration.ofSeconds(5), () -> polls.incrementAndGet() > 0, "it holds");
        assertThat(polls).hasValue(1);
    }

    @Test
    void returnsOnceAnotherThreadMakesTheConditionTrue() {
        AtomicBoolean flag = new AtomicBoolean();
        AtomicInteger polls = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            Await.until(Duration.ofSeconds(5), () -> polls.get() >= 3, "the main thread polled thrice");
            flag.set(true);
        });
        Await.until(
                Duration.ofSeconds(5),
                () -> {
                    polls.incrementAndGet();
                    return flag.get();
                },
                "the flag is set");
        assertThat(flag).isTrue();
    }

    @Test
    void failsWithTheDescriptionAtTheDeadline() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(200), () -> false, "pigs fly"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("timed out after PT0.2S waiting until pigs fly");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    @Test
    void letsExceptionsFromTheConditionThrough() {
        assertThatThrownBy(() -> Await.until(
                        Duration.ofSeconds(1),
                        () -> {
                            throw new IllegalStateException("broken probe");
                        },
                        "never"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("broken probe");
    }
}
