package io.servent.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import io.servent.interop.JsPeer.EchoResult;
import io.servent.interop.JsPeer.PerfResult;
import io.servent.interop.ServentPeer.EchoOutcome;
import io.servent.interop.ServentPeer.Echoed;
import io.servent.p2p.api.Connection;
import io.servent.p2p.noise.NoiseSecurity;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 256 MiB between servent and js-libp2p in each direction over TCP + Noise + Yamux on loopback:
 * an echo checked byte for byte (SHA-256 on both ends: the perf protocol carries only zeros) and
 * perf uploads and downloads with servent and js each as client and as server. The rates go to the
 * log at the end, next to js→js measured in the same run; they are for information, not asserted:
 * wall-clock MB/s depends on what else the machine runs, MB per CPU-second of each side much less.
 * Tagged {@code heavy} so a quick run can leave it out ({@code -DexcludedGroups=heavy}).
 */
@Tag("heavy")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostTransferIT {
    private static final Logger log = LoggerFactory.getLogger(HostTransferIT.class);
    private static final long MIB = 1024 * 1024;
    private static final long SIZE = 256 * MIB;
    private static final long WARM_UP = 32 * MIB;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Duration EVENT_WAIT = Duration.ofSeconds(30);
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private JsPeer js;
    private ServentPeer servent;
    private Connection connection;
    private final Map<String, String> rates = new ConcurrentSkipListMap<>();

    @BeforeAll
    void start() throws IOException {
        js = JsPeer.start();
        servent = ServentPeer.start();
        connection = servent.host().connect(js.addr());
        // The first transfers run far slower until the JIT has compiled the crypto and the muxer.
        ServentPeer.echo(connection, WARM_UP, -1, TIMEOUT);
        js.echo(JsPeer.options("peer", servent.peerId().toString(), "bytes", WARM_UP, "streams", 1), TIMEOUT);
        servent.perf().run(js.peerId(), WARM_UP, WARM_UP);
        js.perf(servent.addr(), WARM_UP, WARM_UP, TIMEOUT);
    }

    @AfterAll
    void stop() {
        if (servent != null) {
            servent.close();
        }
        if (js != null) {
            js.close();
        }
        log.info("servent's Noise uses {} for ChaCha20-Poly1305", new NoiseSecurity().aeadProvider());
        rates.forEach((what, rate) -> log.info("256 MiB {}: {}", what, rate));
    }

    /** Records a rate: wall-clock MB/s and, where measured, each side's MB per CPU-second. */
    private void record(String what, double wallMs, String cpu) {
        rates.put(what, String.format("%.0f MB/s (%.0f ms); %s", SIZE / 1e3 / wallMs, wallMs, cpu));
    }

    private static String perCpuSecond(String side, double cpuMs) {
        return String.format("%s %.0f MB/cpu-s", side, SIZE / 1e3 / cpuMs);
    }

    /** CPU time of this whole JVM (servent, the test and the JIT) in ms. */
    private static double jvmCpuMs() {
        return OS.getProcessCpuTime() / 1e6;
    }

    private JsonNode awaitPerfServed(String client, String field) {
        return js.awaitEvent(
                "perf-served",
                e -> e.path("peer").asText().equals(client) && e.path(field).asLong() == SIZE,
                EVENT_WAIT);
    }

    @Test
    void echoFromServentComesBackByteForByte() throws Exception {
        double cpu = jvmCpuMs();
        EchoOutcome echo = ServentPeer.echo(connection, SIZE, 42, TIMEOUT);
        cpu = jvmCpuMs() - cpu;

        assertThat(echo.received()).isEqualTo(SIZE);
        assertThat(echo.receivedSha256()).isEqualTo(echo.sentSha256());
        // js hashed what it received before sending it back.
        String serventPeer = servent.peerId().toString();
        JsonNode served = js.awaitEvent(
                "echo-served",
                e -> e.path("peer").asText().equals(serventPeer)
                        && e.path("bytes").asLong() == SIZE,
                EVENT_WAIT);
        assertThat(served.path("sha256").asText()).isEqualTo(echo.sentSha256());
        record(
                "echo servent→js→servent, each way",
                echo.time().toNanos() / 1e6,
                perCpuSecond("servent (generating and hashing too)", cpu));
    }

    @Test
    void echoFromJsComesBackByteForByte() {
        // js checks that what comes back is what it sent; servent hashes what it received.
        double cpu = jvmCpuMs();
        EchoResult echo =
                js.echo(JsPeer.options("peer", servent.peerId().toString(), "bytes", SIZE, "streams", 1), TIMEOUT);
        cpu = jvmCpuMs() - cpu;

        assertThat(echo.sha256()).hasSize(1);
        Await.until(
                EVENT_WAIT,
                () -> servent.echoedBy(js.peerId()).stream().anyMatch(e -> e.bytes() == SIZE),
                "servent's echo handler finished the 256 MiB stream");
        List<Echoed> served = servent.echoedBy(js.peerId()).stream()
                .filter(e -> e.bytes() == SIZE)
                .toList();
        assertThat(served).singleElement().satisfies(e -> assertThat(e.sha256())
                .isEqualTo(echo.sha256().getFirst()));
        record("echo js→servent→js, each way", echo.millis(), perCpuSecond("servent (hashing too)", cpu));
    }

    @Test
    void perfWithServentAsClient() throws Exception {
        String serventPeer = servent.peerId().toString();

        double cpuUp = jvmCpuMs();
        var up = servent.perf().run(js.peerId(), SIZE, 0);
        cpuUp = jvmCpuMs() - cpuUp;
        assertThat(up.uploadBytes()).isEqualTo(SIZE);
        JsonNode servedUp = awaitPerfServed(serventPeer, "uploaded");
        assertThat(servedUp.path("downloaded").asLong()).isZero();

        double cpuDown = jvmCpuMs();
        var down = servent.perf().run(js.peerId(), 0, SIZE);
        cpuDown = jvmCpuMs() - cpuDown;
        assertThat(down.downloadBytes()).isEqualTo(SIZE);
        JsonNode servedDown = awaitPerfServed(serventPeer, "downloaded");
        assertThat(servedDown.path("uploaded").asLong()).isZero();

        // Closing the write side returns once the last bytes are buffered; the upload is done when
        // the server, having read them all, closes its side.
        record(
                "perf servent client → js server (upload)",
                up.uploadTime().plus(up.downloadTime()).toNanos() / 1e6,
                perCpuSecond("servent sender", cpuUp) + ", "
                        + perCpuSecond("js receiver", servedUp.path("cpuMs").asDouble()));
        record(
                "perf servent client ← js server (download)",
                down.downloadTime().toNanos() / 1e6,
                perCpuSecond("servent receiver", cpuDown) + ", "
                        + perCpuSecond("js sender", servedDown.path("cpuMs").asDouble()));
    }

    @Test
    void perfWithJsAsClient() {
        double cpuUp = jvmCpuMs();
        PerfResult up = js.perf(servent.addr(), SIZE, 0, TIMEOUT);
        cpuUp = jvmCpuMs() - cpuUp;
        assertThat(up.upload()).isEqualTo(SIZE);
        // servent's server drains the upload to its end before it closes, so the js client's
        // (empty) download ending proves servent read it all.
        double cpuDown = jvmCpuMs();
        PerfResult down = js.perf(servent.addr(), 0, SIZE, TIMEOUT);
        cpuDown = jvmCpuMs() - cpuDown;
        assertThat(down.download()).isEqualTo(SIZE);

        record(
                "perf js client → servent server (upload)",
                up.totalMs(),
                perCpuSecond("js sender", up.cpuMs()) + ", " + perCpuSecond("servent receiver", cpuUp));
        record(
                "perf js client ← servent server (download)",
                down.downloadMs(),
                perCpuSecond("js receiver", down.cpuMs()) + ", " + perCpuSecond("servent sender", cpuDown));
    }

    @Test
    void perfBetweenTwoJsPeersForReference() {
        try (JsPeer other = JsPeer.start()) {
            other.perf(js.addr(), WARM_UP, WARM_UP, TIMEOUT);
            PerfResult up = other.perf(js.addr(), SIZE, 0, TIMEOUT);
            PerfResult down = other.perf(js.addr(), 0, SIZE, TIMEOUT);
            assertThat(up.upload()).isEqualTo(SIZE);
            assertThat(down.download()).isEqualTo(SIZE);
            String client = other.peerId().toString();
            JsonNode servedUp = awaitPerfServed(client, "uploaded");
            JsonNode servedDown = awaitPerfServed(client, "downloaded");
            record(
                    "perf js client → js server (upload, reference)",
                    up.totalMs(),
                    perCpuSecond("js sender", up.cpuMs()) + ", "
                            + perCpuSecond("js receiver", servedUp.path("cpuMs").asDouble()));
            record(
                    "perf js client ← js server (download, reference)",
                    down.downloadMs(),
                    perCpuSecond("js receiver", down.cpuMs()) + ", "
                            + perCpuSecond("js sender", servedDown.path("cpuMs").asDouble()));
        }
    }
}
