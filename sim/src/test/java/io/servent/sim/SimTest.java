package io.servent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SimTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Sim.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownScenarioIsAUsageError() {
        assertThat(run("dht-nope")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("no scenario named dht-nope")
                .contains("dht-10k-churn");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(run("--peers=many", "dht-1k")).isEqualTo(2);
        assertThat(run("--frobnicate", "dht-1k")).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
        assertThat(run("--peers=1", "dht-1k")).isEqualTo(2);
    }

    @Test
    void helpListsTheScenarios() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("gossip-1k-bad10")
                .contains("all");
    }
}
