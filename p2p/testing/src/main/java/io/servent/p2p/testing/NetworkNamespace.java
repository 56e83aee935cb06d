package io.servent.p2p.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Linux network namespace for tests that need a real link, multicast included (mDNS), without
 * touching this machine's own interfaces: create namespaces, join two with a veth pair, run
 * processes inside with {@link #command(List)}, and delete everything on {@link #close()}. The
 * namespaces' interfaces vanish with them. Needs root and iproute2's {@code ip};
 * {@link #unavailableReason()} says why a test must be skipped. Thread-safe.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final long COMMAND_TIMEOUT_SECONDS = 20;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;

    /**
     * Two ends of a veth pair, one in each namespace, with the addresses given to them.
     *
     * @param a the interface in the first namespace, e.g. {@code svt3f2a1ca}
     * @param b the interface in the second
     * @param ip4a {@code 10.77.0.1} (a /24)
     * @param ip4b {@code 10.77.0.2}
     * @param ip6a {@code fd77::1} (a /64, without duplicate address detection so it works at once)
     * @param ip6b {@code fd77::2}
     */
    public record Link(String a, String b, String ip4a, String ip4b, String ip6a, String ip6b) {}

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /** Why namespaces cannot be used here, or empty if they can (checked once, by making one). */
    public static Optional<String> unavailableReason() {
        return Probe.REASON;
    }

    /** Probed on first use, once per JVM (class initialization is lazy and thread-safe). */
    private static final class Probe {
        static final Optional<String> REASON = probe();

        private static Optional<String> probe() {
            try {
                create().close();
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of(
                        "network namespaces are unavailable (they need root and iproute2): " + e.getMessage());
            }
        }
    }

    /** A new namespace with its loopback up and IPv6 duplicate address detection off. */
    public static NetworkNamespace create() throws IOException {
        String name = "servent-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        run(List.of("ip", "netns", "add", name));
        NetworkNamespace ns = new NetworkNamespace(name);
        try {
            ns.ip("link", "set", "lo", "up");
            // New interfaces inherit "default": their addresses are usable at once, not tentative.
            run(ns.command(List.of(
                    "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0")));
        } catch (IOException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /**
     * Joins {@code a} and {@code b} with a veth pair, addressed 10.77.0.1/24 and fd77::1/64 on
     * {@code a}'s side and .2 and ::2 on {@code b}'s, both up. Namespaces keep their links apart, so
     * every pair can use the same addresses.
     */
    public static Link link(NetworkNamespace a, NetworkNamespace b) throws IOException {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        Link link = new Link("svt" + id + "a", "svt" + id + "b", "10.77.0.1", "10.77.0.2", "fd77::1", "fd77::2");
        run(List.of(
                "ip", "link", "add", link.a(), "netns", a.name, "type", "veth", "peer", "name", link.b(), "netns",
                b.name));
        a.ip("addr", "add", link.ip4a() + "/24", "dev", link.a());
        b.ip("addr", "add", link.ip4b() + "/24", "dev", link.b());
        a.ip("-6", "addr", "add", link.ip6a() + "/64", "dev", link.a(), "nodad");
        b.ip("-6", "addr", "add", link.ip6b() + "/64", "dev", link.b(), "nodad");
        a.ip("link", "set", link.a(), "up");
        b.ip("link", "set", link.b(), "up");
        return link;
    }

    public String name() {
        return name;
    }

    /** Runs {@code ip -n <name> args…} and fails with its stderr if it fails. */
    public void ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        run(command);
    }

    /** {@code command} wrapped to run inside this namespace ({@code ip netns exec <name> …}). */
    public List<String> command(List<String> command) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", name));
        out.addAll(command);
        return out;
    }

    private static void run(List<String> command) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(
                        String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + String.join(" ", command));
        }
        if (process.exitValue() != 0) {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + output);
        }
    }

    /** Deletes the namespace and its interfaces. Stop the processes inside first. Idempotent. */
    @Override
    public void close() {
        try {
            run(List.of("ip", "netns", "del", name));
        } catch (IOException e) {
            // Already gone, or not ours to delete any more.
        }
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
