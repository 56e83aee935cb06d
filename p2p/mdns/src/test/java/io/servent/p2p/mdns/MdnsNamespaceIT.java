package io.servent.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.servent.p2p.testing.NetworkNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two servent processes, each in its own network namespace, joined by a veth pair: a real link
 * with IPv4 and IPv6 multicast, on the standard mDNS port, that nothing else on this machine sees.
 * With nothing configured but the interface, each discovers the other and connects (auto-connect).
 * Over IPv6 only, discovery must go through ff02::fb.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MdnsNamespaceIT {
    private static final Logger log = LoggerFactory.getLogger(MdnsNamespaceIT.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<AutoCloseable> owned = new ArrayList<>();

    @BeforeEach
    void requireNamespaces() {
        assumeTrue(
                NetworkNamespace.unavailableReason().isEmpty(),
                () -> NetworkNamespace.unavailableReason().orElse("") + "; skipping the namespace test");
    }

    @AfterEach
    void cleanUp() throws Exception {
        // Processes first: a namespace cannot go while processes live in it.
        for (AutoCloseable c : owned) {
            c.close();
        }
    }

    @ParameterizedTest(name = "ipv4={0} ipv6={1}")
    @CsvSource({"true, true", "false, true", "true, false"})
    void twoPeersOnALinkDiscoverEachOtherAndConnect(boolean ipv4, boolean ipv6) throws Exception {
        NetworkNamespace nsA = NetworkNamespace.create();
        owned.add(nsA);
        NetworkNamespace nsB = NetworkNamespace.create();
        owned.add(nsB);
        NetworkNamespace.Link link = NetworkNamespace.link(nsA, nsB);
        PeerProcess a = PeerProcess.start(nsA, link.a(), ipv4, ipv6);
        owned.add(0, a);
        PeerProcess b = PeerProcess.start(nsB, link.b(), ipv4, ipv6);
        owned.add(0, b);
        String idA = a.awaitLine("ready", WAIT).split(" ")[1];
        String idB = b.awaitLine("ready", WAIT).split(" ")[1];

        String aSawB = a.awaitLine("discovered " + idB, WAIT);
        String bSawA = b.awaitLine("discovered " + idA, WAIT);
        a.awaitLine("connected " + idB, WAIT);
        b.awaitLine("connected " + idA, WAIT);

        // Each announced its veth addresses, IPv4 and IPv6, and kept its loopback ones off the link.
        assertThat(aSawB).contains("/ip4/" + link.ip4b() + "/tcp/", "/ip6/" + link.ip6b() + "/tcp/");
        assertThat(bSawA).contains("/ip4/" + link.ip4a() + "/tcp/", "/ip6/" + link.ip6a() + "/tcp/");
        assertThat(aSawB + bSawA).doesNotContain("127.0.0.1", "/ip6/::1/");
    }

    /** A {@link MdnsNamespacePeer} process and the event lines it printed. */
    private static final class PeerProcess implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        private PeerProcess(Process process, String name) {
            this.process = process;
            this.reader = Thread.ofVirtual().name("peer-stdout-" + name).start(this::read);
        }

        static PeerProcess start(NetworkNamespace ns, String iface, boolean ipv4, boolean ipv6) throws IOException {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = ns.command(List.of(
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    MdnsNamespacePeer.class.getName(),
                    iface,
                    Boolean.toString(ipv4),
                    Boolean.toString(ipv6)));
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return new PeerProcess(process, ns.name());
        }

        private void read() {
            try (BufferedReader in = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("@mdns ")) {
                        log.info("{}: {}", process.pid(), line);
                        lines.add(line.substring("@mdns ".length()));
                    }
                }
            } catch (IOException e) {
                log.debug("peer stdout: {}", e.toString());
            }
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
                            "the peer process exited (" + process.exitValue() + ") before '" + prefix + "'");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            throw new AssertionError("no '" + prefix + "' within " + timeout + "; saw " + lines);
        }

        @Override
        public void close() throws InterruptedException {
            try {
                process.getOutputStream().close(); // the peer stops when its stdin closes
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
