package io.servent.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.testing.NetworkNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * servent and js-libp2p ({@code @libp2p/mdns}) find each other by mDNS alone, on the standard port
 * 5353, and connect with the addresses they learned. js-libp2p multicasts on every interface it
 * has, so each side runs in its own network namespace, joined by a veth pair: nothing leaves this
 * machine, and nothing else on it hears them.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MdnsInteropIT {
    private static final Logger log = LoggerFactory.getLogger(MdnsInteropIT.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<AutoCloseable> owned = new ArrayList<>();
    private NetworkNamespace.Link link;
    private NetworkNamespace servents;
    private NetworkNamespace jss;

    @BeforeEach
    void link() throws IOException {
        assumeTrue(
                NetworkNamespace.unavailableReason().isEmpty(),
                () -> NetworkNamespace.unavailableReason().orElse("") + "; skipping the mDNS interop test");
        servents = NetworkNamespace.create();
        owned.add(servents);
        jss = NetworkNamespace.create();
        owned.add(jss);
        link = NetworkNamespace.link(servents, jss);
        // js's multicast-dns sends with the default multicast interface, which needs a route.
        jss.ip("route", "add", "224.0.0.0/4", "dev", link.b());
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : owned) { // processes were added in front of their namespaces
            c.close();
        }
    }

    @Test
    void jsAndServentDiscoverEachOtherAndJsDialsServentByPeerId() throws Exception {
        ServentProcess servent = ServentProcess.start(servents, link.a(), false);
        owned.add(0, servent);
        PeerId serventId = PeerId.parse(servent.awaitLine("ready", WAIT).split(" ")[1]);
        // js starts after servent: its first query is one servent must answer.
        JsPeer js = startJs();

        JsonNode found =
                js.awaitEvent("peer:discovery", e -> e.path("peer").asText().equals(serventId.toString()), WAIT);
        assertThat(found.path("addrs").toString()).contains("/ip4/" + link.ip4a() + "/tcp/");
        String discovered = servent.awaitLine("discovered " + js.peerId(), WAIT);
        assertThat(discovered).contains("/ip4/" + link.ip4b() + "/tcp/");
        // js also announced 127.0.0.1, which servent must not take from a peer on another host.
        assertThat(discovered).doesNotContain("127.0.0.1");

        // js dials servent knowing only its PeerId: the addresses came from mDNS.
        List<Double> rtts = js.ping(serventId, 3);
        assertThat(rtts).hasSize(3);
        servent.awaitLine("connected " + js.peerId(), WAIT);
        log.info("js pinged servent over mDNS-learned addresses: {} ms", rtts);
    }

    @Test
    void serventAutoConnectsToAJsPeerItDiscovers() throws Exception {
        JsPeer js = startJs();
        ServentProcess servent = ServentProcess.start(servents, link.a(), true);
        owned.add(0, servent);
        PeerId serventId = PeerId.parse(servent.awaitLine("ready", WAIT).split(" ")[1]);

        servent.awaitLine("discovered " + js.peerId(), WAIT);
        String connected = servent.awaitLine("connected " + js.peerId(), WAIT);
        assertThat(connected).contains("/ip4/" + link.ip4b() + "/tcp/").endsWith("OUTBOUND");
        js.awaitEvent("connection:open", e -> e.path("peer").asText().equals(serventId.toString()), WAIT);
        servent.send("ping " + js.peerId());
        servent.awaitLine("pinged " + js.peerId(), WAIT);
    }

    private JsPeer startJs() {
        JsPeer js = JsPeer.start(
                JsPeerConfig.defaults().withServices("mdns").withExtraArgs("--listen", "/ip4/0.0.0.0/tcp/0"),
                jss::command);
        owned.add(0, js);
        return js;
    }

    /** A {@link MdnsServentProcess} and the event lines it printed. */
    private static final class ServentProcess implements AutoCloseable {
        private final Process process;
        private final OutputStream stdin;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        private ServentProcess(Process process) {
            this.process = process;
            this.stdin = process.getOutputStream();
            this.reader = Thread.ofVirtual().name("servent-stdout").start(this::read);
        }

        static ServentProcess start(NetworkNamespace ns, String iface, boolean autoConnect) throws IOException {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = ns.command(List.of(
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    MdnsServentProcess.class.getName(),
                    iface,
                    Boolean.toString(autoConnect)));
            return new ServentProcess(new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start());
        }

        private void read() {
            try (BufferedReader in = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("@servent ")) {
                        log.info("servent: {}", line);
                        lines.add(line.substring("@servent ".length()));
                    }
                }
            } catch (IOException e) {
                log.debug("servent stdout: {}", e.toString());
            }
        }

        void send(String command) throws IOException {
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        String awaitLine(String prefix, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() - deadline < 0) {
                for (String line : lines) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                if (!process.isAlive()) {
                    throw new AssertionError(
                            "the servent process exited (" + process.exitValue() + ") before '" + prefix + "'");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            throw new AssertionError("no '" + prefix + "' within " + timeout + "; saw " + lines);
        }

        @Override
        public void close() throws InterruptedException {
            try {
                stdin.close(); // it stops when its stdin closes
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(Duration.ofSeconds(5));
        }
    }
}
