package io.servent.sim;

import io.servent.p2p.gossipsub.GossipsubConfig;
import io.servent.p2p.gossipsub.GossipsubMessage;
import io.servent.p2p.gossipsub.ValidationResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a gossipsub scenario: N peers on one topic, each dialing a few random others (a ring first,
 * so the graph is connected), a share of them silently dropping every message (their validator
 * ignores it: no forwarding, no gossip, no penalty), and honest peers publishing at a steady rate.
 * Every honest peer's application records each message it gets, with the time since it was published
 * (the publisher writes {@link System#nanoTime()} into the message; one JVM, one clock).
 *
 * <p>Threads: the caller's thread runs the phases; connecting runs on bounded virtual threads; the
 * deliveries arrive on gossipsub's delivery threads and are counted under each peer's monitor. Used
 * once, from one thread.
 */
final class GossipRun {
    private static final Logger log = LoggerFactory.getLogger(GossipRun.class);
    static final String TOPIC = "sim";
    private static final int DIALS_PER_PEER = 6;
    private static final int MESSAGE_SIZE = 128;
    private static final Duration MESH_WAIT = Duration.ofSeconds(60);
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(20);

    private final SimScenario scenario;
    private final PrintStream progress;
    private final SplittableRandom random;

    GossipRun(SimScenario scenario, PrintStream progress) {
        this.scenario = scenario;
        this.progress = progress;
        this.random = new SplittableRandom(scenario.seed());
    }

    /** What one honest peer's application received. Guarded by its own monitor. */
    private static final class Inbox {
        final BitSet seen;
        long duplicates;

        Inbox(int messages) {
            seen = new BitSet(messages);
        }
    }

    SimReport.Gossip run() throws IOException, InterruptedException {
        ResourceUse before = ResourceUse.measure();
        int n = scenario.peers();
        int messages = scenario.operations();
        GossipsubConfig config = GossipsubConfig.defaults();
        Samples latencyMs = new Samples((int) Math.min(Integer.MAX_VALUE - 8, (long) messages * n));
        AtomicLong delivered = new AtomicLong();
        AtomicLong appDuplicates = new AtomicLong();
        List<SimPeer> peers = new ArrayList<>(n);
        try (SimNetwork network = new SimNetwork(scenario.latency(), scenario.jitter(), scenario.seed(), 48, 96)) {
            try {
                for (int i = 0; i < n; i++) {
                    peers.add(network.startGossipPeer(config));
                }
                int badCount = (int) Math.round(n * scenario.badShare());
                boolean[] bad = chooseBad(n, badCount);
                List<Integer> honest = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    SimPeer peer = peers.get(i);
                    if (bad[i]) {
                        peer.requireGossipsub()
                                .setValidator(TOPIC, m -> ValidationResult.ignore("a bad peer drops everything"));
                        peer.requireGossipsub().subscribe(TOPIC, m -> {});
                    } else {
                        honest.add(i);
                        Inbox inbox = new Inbox(messages);
                        peer.requireGossipsub().subscribe(TOPIC, m -> {
                            receive(m, inbox, messages, latencyMs, delivered, appDuplicates);
                        });
                    }
                }
                network.linksWithLatency();
                connect(peers);
                awaitMeshes(peers, honest, config.dLo());
                ResourceUse built = ResourceUse.measure();
                progress.printf(
                        "%s: %d peers connected with meshes in %.1f s%n",
                        scenario.name(), n, (built.wallNanos() - before.wallNanos()) / 1e9);
                long statsBefore = duplicates(peers);
                publish(peers, honest, messages);
                long expected = (long) messages * (honest.size() - 1);
                long drainDeadline = System.nanoTime() + DRAIN_WAIT.toNanos();
                while (delivered.get() < expected && System.nanoTime() < drainDeadline) {
                    TimeUnit.MILLISECONDS.sleep(100); // a bounded wait for stragglers (IWANT rounds)
                }
                long routerDuplicates = duplicates(peers) - statsBefore;
                ResourceUse after = ResourceUse.measure();
                double runSeconds = (after.wallNanos() - built.wallNanos()) / 1e9;
                if (appDuplicates.get() > 0) {
                    log.warn("{} messages reached an application twice", appDuplicates.get());
                }
                SimReport.Resources resources = new SimReport.Resources(
                        n,
                        (built.heapBytes() - before.heapBytes()) / n,
                        built.rssBytes(),
                        built.threads(),
                        (built.cpuNanos() - before.cpuNanos()) / 1e6 / n,
                        (after.cpuNanos() - built.cpuNanos()) / 1e6 / n / runSeconds,
                        Duration.ofNanos(built.wallNanos() - before.wallNanos()),
                        Duration.ofNanos(after.wallNanos() - built.wallNanos()));
                return new SimReport.Gossip(
                        scenario,
                        resources,
                        messages,
                        expected,
                        delivered.get(),
                        latencyMs.percentiles(),
                        routerDuplicates / (double) messages,
                        badCount);
            } finally {
                SimNetwork.closeAll(peers);
            }
        }
    }

    private boolean[] chooseBad(int n, int count) {
        boolean[] bad = new boolean[n];
        int chosen = 0;
        for (int tries = 0; chosen < count && tries < 100 * n; tries++) {
            int i = random.nextInt(n);
            if (!bad[i]) {
                bad[i] = true;
                chosen++;
            }
        }
        return bad;
    }

    private static void receive(
            GossipsubMessage m,
            Inbox inbox,
            int messages,
            Samples latencyMs,
            AtomicLong delivered,
            AtomicLong duplicates) {
        long now = System.nanoTime();
        byte[] data = m.data();
        if (data.length < 12) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        int index = b.getInt();
        long publishedAt = b.getLong();
        if (index < 0 || index >= messages) {
            return;
        }
        synchronized (inbox) {
            if (inbox.seen.get(index)) {
                duplicates.incrementAndGet();
                return;
            }
            inbox.seen.set(index);
        }
        delivered.incrementAndGet();
        latencyMs.add((now - publishedAt) / 1e6);
    }

    /** Each peer dials its ring neighbour and a few random others, 32 dials at once. */
    private void connect(List<SimPeer> peers) throws InterruptedException, IOException {
        int n = peers.size();
        Semaphore permits = new Semaphore(32);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        AtomicLong failures = new AtomicLong();
        for (int i = 0; i < n; i++) {
            List<SimPeer> targets = new ArrayList<>();
            targets.add(peers.get((i + 1) % n));
            for (int k = 1; k < DIALS_PER_PEER; k++) {
                int j = random.nextInt(n);
                if (j != i) {
                    targets.add(peers.get(j));
                }
            }
            SimPeer from = peers.get(i);
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IOException("connecting the peers took too long");
            }
            Thread.ofVirtual().name("sim-connect-", i).start(() -> {
                try {
                    for (SimPeer to : targets) {
                        try {
                            from.host().connect(to.address());
                        } catch (IOException | RuntimeException e) {
                            failures.incrementAndGet();
                            log.debug("{} could not connect to {}: {}", from, to, e.toString());
                        }
                    }
                } finally {
                    permits.release();
                }
            });
        }
        if (!permits.tryAcquire(32, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new IOException("connecting the peers took too long");
        }
        if (failures.get() > 0) {
            progress.printf("%s: %d dials failed%n", scenario.name(), failures.get());
        }
    }

    /** Waits (bounded) until nearly every honest peer has at least D_lo mesh peers. */
    private void awaitMeshes(List<SimPeer> peers, List<Integer> honest, int dLo) throws InterruptedException {
        long deadline = System.nanoTime() + MESH_WAIT.toNanos();
        int ready = 0;
        while (System.nanoTime() < deadline) {
            ready = 0;
            for (int i : honest) {
                if (peers.get(i).requireGossipsub().meshPeers(TOPIC).size() >= dLo) {
                    ready++;
                }
            }
            if (ready >= honest.size() * 0.99) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(500); // meshes change once per heartbeat
        }
        progress.printf("%s: %d of %d honest peers have a full mesh%n", scenario.name(), ready, honest.size());
    }

    private void publish(List<SimPeer> peers, List<Integer> honest, int messages) throws InterruptedException {
        long interval = (long) (1e9 / scenario.publishRate());
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing the workload
            }
            SimPeer publisher = peers.get(honest.get(random.nextInt(honest.size())));
            ByteBuffer data = ByteBuffer.allocate(MESSAGE_SIZE);
            data.putInt(i).putLong(System.nanoTime());
            try {
                publisher.requireGossipsub().publish(TOPIC, data.array());
            } catch (RuntimeException e) {
                log.warn("publishing message {} failed: {}", i, e.toString());
            }
        }
    }

    private static long duplicates(List<SimPeer> peers) {
        long sum = 0;
        for (SimPeer p : peers) {
            sum += p.requireGossipsub().stats().messagesDuplicate();
        }
        return sum;
    }
}
