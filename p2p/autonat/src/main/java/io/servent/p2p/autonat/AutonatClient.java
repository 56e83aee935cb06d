package io.servent.p2p.autonat;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolNotSupportedException;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.autonat.proto.AutonatProto;
import io.servent.p2p.autonat.proto.AutonatProto.Message.ResponseStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AutoNAT v1 client: asks connected peers to dial this host back at its addresses and
 * publishes the resulting {@link Reachability} to listeners (the DHT's client/server mode and relay
 * reservations follow it). A round asks up to {@link AutonatConfig#peersPerRound()} peers that
 * serve the protocol (or have not said what they serve yet); {@link ReachabilityTracker} decides.
 * Rounds repeat every {@link AutonatConfig#retryInterval()} while the status is unknown and every
 * {@link AutonatConfig#refreshInterval()} after, and sooner when this host's addresses change or a
 * new AutoNAT server connects while the status is unknown.
 *
 * <p>Threads: one virtual probe thread, started by {@link #start()} and ended by {@link #close()};
 * listeners run on it and must return quickly. Thread-safe.
 */
public final class AutonatClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AutonatClient.class);

    /** Addresses sent in one request at most. */
    static final int MAX_ADDRESSES_SENT = 16;

    private final Host host;
    private final AutonatConfig config;
    private final Supplier<List<Multiaddr>> addresses;
    private final ReachabilityTracker tracker;
    private final List<Consumer<Reachability>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ReentrantLock roundLock = new ReentrantLock();
    private final AutoCloseable subscription;
    private volatile Reachability reachability = Reachability.UNKNOWN;
    private boolean wakeRequested;
    private boolean closed;
    private @Nullable Thread prober;

    /** Asks about the host's own advertised addresses. */
    public AutonatClient(Host host, AutonatConfig config) {
        this(host, config, host::advertisedAddresses);
    }

    /** Asks about {@code addresses} (e.g. addresses a NAT mapping or the operator announced). */
    public AutonatClient(Host host, AutonatConfig config, Supplier<List<Multiaddr>> addresses) {
        this.host = host;
        this.config = config;
        this.addresses = addresses;
        this.tracker = new ReachabilityTracker(config.confirmations());
        this.subscription = host.subscribe(this::onEvent);
    }

    public Reachability reachability() {
        return reachability;
    }

    /**
     * Calls {@code listener} with every change of status, on the probe thread. Close the result to
     * stop.
     */
    public AutoCloseable addListener(Consumer<Reachability> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Starts probing in the background. */
    public void start() {
        lock.lock();
        try {
            if (closed || prober != null) {
                throw new IllegalStateException(closed ? "the autonat client is closed" : "already started");
            }
            prober = Thread.ofVirtual()
                    .name("autonat-" + host.peerId().shortString())
                    .start(this::probeLoop);
        } finally {
            lock.unlock();
        }
    }

    private void onEvent(HostEvent event) {
        boolean relevant =
                switch (event) {
                    case HostEvent.LocalAddressesChanged changed -> true;
                    case HostEvent.PeerIdentified identified ->
                        reachability == Reachability.UNKNOWN
                                && identified.protocols().contains(AutonatService.PROTOCOL_ID);
                    default -> false;
                };
        if (relevant) {
            lock.lock();
            try {
                wakeRequested = true;
                wake.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void probeLoop() {
        while (true) {
            lock.lock();
            try {
                long nanos = (reachability == Reachability.UNKNOWN ? config.retryInterval() : config.refreshInterval())
                        .toNanos();
                while (!closed && !wakeRequested && nanos > 0) {
                    nanos = wake.awaitNanos(nanos);
                }
                if (closed) {
                    return;
                }
                wakeRequested = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                checkNow();
            } catch (RuntimeException e) {
                log.warn("autonat round failed", e);
            }
        }
    }

    /** Runs one round now, on the calling thread, and returns the status after it. */
    public Reachability checkNow() {
        roundLock.lock();
        try {
            List<Multiaddr> mine = ownAddresses();
            if (mine.isEmpty()) {
                log.debug("no addresses to test for reachability");
                return reachability;
            }
            for (PeerId server : servers()) {
                if (isClosed()) {
                    break;
                }
                ask(server, mine);
            }
            return reachability;
        } finally {
            roundLock.unlock();
        }
    }

    private void ask(PeerId server, List<Multiaddr> mine) {
        AutonatProto.Message.DialResponse response;
        try {
            response = request(server, mine);
        } catch (ProtocolNotSupportedException e) {
            log.debug("{} does not serve autonat", server);
            return;
        } catch (IOException e) {
            log.debug("autonat request to {} failed: {}", server, e.getMessage());
            return;
        }
        ResponseStatus status = response.getStatus();
        if (status != ResponseStatus.OK && status != ResponseStatus.E_DIAL_ERROR) {
            log.debug("{} answered {} ({}): no information", server, status, response.getStatusText());
            return;
        }
        Reachability before = reachability;
        Reachability after = tracker.record(server, status == ResponseStatus.OK);
        log.debug("{} answered {}; reachability {}", server, status, after);
        if (after != before) {
            reachability = after;
            log.info("reachability is now {} (confirmed by {} peers)", after, config.confirmations());
            for (Consumer<Reachability> listener : listeners) {
                try {
                    listener.accept(after);
                } catch (RuntimeException e) {
                    log.warn("reachability listener failed", e);
                }
            }
        }
    }

    private AutonatProto.Message.DialResponse request(PeerId server, List<Multiaddr> mine) throws IOException {
        AutonatProto.Message.PeerInfo.Builder info = AutonatProto.Message.PeerInfo.newBuilder()
                .setId(ByteString.copyFrom(host.peerId().bytes()));
        mine.forEach(a -> info.addAddrs(ByteString.copyFrom(a.bytes())));
        try (Stream stream = host.newStream(server, AutonatService.PROTOCOL_ID)) {
            stream.setReadTimeout(config.requestTimeout());
            stream.setWriteTimeout(config.requestTimeout());
            AutonatMessages.write(
                    stream,
                    AutonatProto.Message.newBuilder()
                            .setType(AutonatProto.Message.MessageType.DIAL)
                            .setDial(AutonatProto.Message.Dial.newBuilder().setPeer(info))
                            .build());
            stream.closeWrite();
            AutonatProto.Message response = AutonatMessages.read(stream);
            if (response.getType() != AutonatProto.Message.MessageType.DIAL_RESPONSE
                    || !response.hasDialResponse()
                    || !response.getDialResponse().hasStatus()) {
                throw new ProtocolViolationException("expected a DIAL_RESPONSE with a status from " + server);
            }
            return response.getDialResponse();
        }
    }

    /** Connected peers over direct connections that serve autonat or have not said; shuffled, bounded. */
    private List<PeerId> servers() {
        Set<PeerId> peers = new LinkedHashSet<>();
        for (Connection c : host.connections()) {
            if (c.isOpen() && !c.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT)) {
                Set<String> protocols = host.peerstore().protocols(c.remotePeer());
                if (protocols.isEmpty() || protocols.contains(AutonatService.PROTOCOL_ID)) {
                    peers.add(c.remotePeer());
                }
            }
        }
        List<PeerId> out = new ArrayList<>(peers);
        Collections.shuffle(out);
        return out.subList(0, Math.min(out.size(), config.peersPerRound()));
    }

    private List<Multiaddr> ownAddresses() {
        return addresses.get().stream()
                .filter(a -> !a.has(MultiaddrProtocol.P2P_CIRCUIT))
                .map(Multiaddr::withoutPeerId)
                .distinct()
                .limit(MAX_ADDRESSES_SENT)
                .toList();
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        Thread thread;
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
            thread = prober;
        } finally {
            lock.unlock();
        }
        try {
            subscription.close();
        } catch (Exception ignored) {
            // Unsubscribing cannot meaningfully fail.
        }
        if (thread != null) {
            thread.interrupt();
            try {
                if (!thread.join(Duration.ofSeconds(5))) {
                    log.warn("{} did not end within 5 s", thread.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the probe thread has ended (for shutdown tests): true before {@link #start()} and after {@link #close()}. */
    public boolean isTerminated() {
        lock.lock();
        try {
            return prober == null || !prober.isAlive();
        } finally {
            lock.unlock();
        }
    }
}
