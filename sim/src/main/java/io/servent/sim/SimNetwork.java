package io.servent.sim;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.gossipsub.Gossipsub;
import io.servent.p2p.gossipsub.GossipsubConfig;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.host.HostLimits;
import io.servent.p2p.identify.IdentifyService;
import io.servent.p2p.kad.KadConfig;
import io.servent.p2p.kad.KadDht;
import io.servent.p2p.kad.KadValidators;
import io.servent.p2p.plaintext.PlaintextSecurity;
import io.servent.p2p.testing.Chaos;
import io.servent.p2p.testing.ChaosConfig;
import io.servent.p2p.testing.MemoryNetwork;
import io.servent.p2p.testing.MemoryTransport;
import io.servent.p2p.yamux.YamuxConfig;
import io.servent.p2p.yamux.YamuxMuxer;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Starts the simulated peers: real {@link BasicHost}s on one {@link MemoryNetwork}, every link
 * delayed by one shared {@link Chaos}, with the plaintext security protocol (Noise's X25519 and
 * ChaCha20 would dominate the CPU and measure nothing the simulation is about) and Yamux without
 * keep-alive pings (hundreds of thousands of idle connections would otherwise ping each other).
 * Every DHT gets its periodic maintenance from one shared {@link SimTimer}, which only hands the
 * work to the DHT's own virtual threads.
 *
 * <p>Thread-safe: peers may be started from many threads. {@link #close()} closes the shared timer;
 * the peers belong to the caller.
 */
final class SimNetwork implements AutoCloseable {
    static final Multiaddr MEMORY = Multiaddr.parse("/memory/0");

    private final MemoryNetwork memory = new MemoryNetwork();
    private final @Nullable Chaos chaos;
    private final ChaosConfig latency;
    private final HostConfig hostConfig;
    private final YamuxConfig yamux;
    private final ScheduledExecutorService timer;
    private final AtomicInteger nextIndex = new AtomicInteger();

    /**
     * Links get {@code latency} and {@code jitter} once {@link #linksWithLatency()} is called.
     *
     * @param lowWater, highWater the hosts' connection watermarks: a host trims its connections back
     *     to {@code lowWater} when it passes {@code highWater}
     */
    SimNetwork(Duration latency, Duration jitter, long seed, int lowWater, int highWater) {
        this.latency = ChaosConfig.defaults().withLatency(latency).withJitter(jitter);
        // Links start instant (chunks go through on the writer's thread, no delivery threads):
        // building the network is not measured, and it is the most expensive part.
        this.chaos = latency.isZero() && jitter.isZero() ? null : new Chaos(seed, ChaosConfig.defaults());
        HostLimits limits = HostLimits.defaults();
        this.hostConfig = HostConfig.defaults()
                .withListenAddresses(List.of(MEMORY))
                .withWatermarks(lowWater, highWater)
                .withGracePeriod(Duration.ofSeconds(10));
        this.yamux = YamuxConfig.defaults()
                .withKeepAliveInterval(Duration.ZERO)
                .withMaxStreams(limits.maxStreamsPerConnection())
                .withMaxConnectionWindow(limits.maxBufferedBytesPerConnection());
        this.timer = new SimTimer(seed);
    }

    /** From now on every link, open or new, gets the scenario's latency and jitter. */
    void linksWithLatency() {
        if (chaos != null) {
            chaos.update(latency);
        }
    }

    /** A started host with identify. */
    private BasicHost host() throws IOException {
        MemoryTransport transport = new MemoryTransport(memory);
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(hostConfig)
                .transport(chaos == null ? transport : chaos.wrap(transport))
                .security(new PlaintextSecurity())
                .muxer(new YamuxMuxer(yamux))
                .sharedTimer(timer)
                .build();
        host.start();
        return host;
    }

    /** A peer running the DHT; it has not joined anything yet. */
    SimPeer startDhtPeer(KadConfig config) throws IOException {
        BasicHost host = host();
        IdentifyService identify = new IdentifyService(host, "servent-sim");
        try {
            KadDht dht = KadDht.start(host, config, KadValidators.defaults(), InstantSource.system(), timer);
            return new SimPeer(nextIndex.getAndIncrement(), host, identify, dht, null);
        } catch (RuntimeException e) {
            identify.close();
            host.close();
            throw e;
        }
    }

    /** A peer running gossipsub; it is connected to no one yet. */
    SimPeer startGossipPeer(GossipsubConfig config) throws IOException {
        BasicHost host = host();
        IdentifyService identify = new IdentifyService(host, "servent-sim");
        try {
            Gossipsub gossipsub = Gossipsub.start(host, config);
            return new SimPeer(nextIndex.getAndIncrement(), host, identify, null, gossipsub);
        } catch (RuntimeException e) {
            identify.close();
            host.close();
            throw e;
        }
    }

    /** Closes {@code peers} on virtual threads, all at once (a host waits up to seconds for its threads). */
    static void closeAll(List<SimPeer> peers) {
        List<Thread> closers = new ArrayList<>();
        int chunk = Math.max(1, peers.size() / 64);
        for (int from = 0; from < peers.size(); from += chunk) {
            List<SimPeer> part = peers.subList(from, Math.min(peers.size(), from + chunk));
            closers.add(Thread.ofVirtual().name("sim-close").start(() -> part.forEach(SimPeer::close)));
        }
        for (Thread t : closers) {
            try {
                t.join(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
