package io.servent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DemoNarratorTest {
    private final StringWriter text = new StringWriter();

    @Test
    void stepsAreNumberedAndWrappedToEightyColumns() {
        DemoNarrator say = new DemoNarrator(new PrintWriter(text), false);
        say.step("First", "word ".repeat(60).strip());
        say.step("Second", "short");
        say.line("x".repeat(200));
        assertThat(text.toString()).contains("1. First").contains("2. Second\n   short");
        assertThat(text.toString().lines())
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void progressToAFilePrintsOneLinePerQuarterWithPercentSpeedEtaAndSources() {
        DemoNarrator say = new DemoNarrator(new PrintWriter(text), false);
        long size = 32L << 20;
        for (int i = 0; i <= 20; i++) {
            say.progress(size * i / 20, size, 12_500_000, 3L, 3);
        }
        say.endProgress();
        assertThat(text.toString().lines()).hasSize(5).allSatisfy(l -> assertThat(l.length())
                .isLessThanOrEqualTo(80));
        assertThat(text.toString())
                .contains("[....")
                .contains("  0%")
                .contains("100%")
                .contains("/s  ETA 3 s  3 sources")
                .contains("[" + "#".repeat(20));
    }

    @Test
    void progressOnATerminalRedrawsOneLine() {
        DemoNarrator say = new DemoNarrator(new PrintWriter(text), true);
        say.progress(1, 4, 0, null, 1);
        say.progress(4, 4, 0, null, 1);
        say.endProgress();
        assertThat(text.toString())
                .startsWith("\r")
                .contains(" 25%")
                .contains("100%")
                .contains("ETA --  1 source\u001b[K");
        assertThat(text.toString().chars().filter(c -> c == '\n')).hasSize(1);
    }
}
