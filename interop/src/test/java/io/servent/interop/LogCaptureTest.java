package io.servent.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LogCaptureTest {
    private static final Logger log = LoggerFactory.getLogger("io.servent.p2p.somewhere");

    @Test
    void collectsWarningsAndErrorsWhileAttached() {
        log.warn("before");
        try (LogCapture capture = LogCapture.attach()) {
            log.info("not a failure");
            log.warn("a warning {}", 1);
            log.error("an error", new IllegalStateException("boom"));
            assertThat(capture.warnings())
                    .containsExactly(
                            "WARN io.servent.p2p.somewhere: a warning 1",
                            "ERROR io.servent.p2p.somewhere: an error (boom)");
            capture.clear();
            assertThat(capture.warnings()).isEmpty();
        }
    }

    @Test
    void stopsCollectingOnceClosed() {
        LogCapture capture = LogCapture.attach();
        capture.close();
        log.warn("after");
        assertThat(capture.warnings()).isEmpty();
    }
}
