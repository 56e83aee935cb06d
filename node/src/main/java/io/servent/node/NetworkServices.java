package io.servent.node;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.autonat.AutonatClient;
import io.servent.p2p.autonat.AutonatService;
import io.servent.p2p.autonat.Reachability;
import io.servent.p2p.gossipsub.Gossipsub;
import io.servent.p2p.gossipsub.GossipsubConfig;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.Bootstrapper;
import io.servent.p2p.kad.KadConfig;
import io.servent.p2p.kad.KadDht;
import io.servent.p2p.kad.KadMode;
import io.servent.p2p.mdns.MdnsConfig;
import io.servent.p2p.mdns.MdnsDiscovery;
import io.servent.p2p.relay.RelayService;
import io.servent.p2p.relay.RelayTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer-to-peer services a daemon runs on its host, started in dependency order and closed in
 * reverse: the relay transport (before the host starts, so it can dial and listen on {@code
 * /p2p-circuit}), then, once the host listens, the relay service, the AutoNAT service, the DHT,
 * gossipsub, the relay reserver, AutoNAT's client (or a forced reachability), the bootstrapper and
 * mDNS — so the protocols are registered before the first peer connects and identify announces them.
 * AutoNAT's answer drives the DHT's mode ({@code auto}) and relay reservations.
 *
 * <p>Threads: those of the services (see docs/concurrency.md), plus {@code dht-join}, which runs
 * the DHT's first self-lookup once a DHT peer has been identified. {@link #close()} ends them all and
 * is idempotent; the host, closed after, closes the relay transport. Thread-safe.
 */
public final class NetworkServices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetworkServices.class);
    private static final Duration JOIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final BasicHost host;
    private final NetworkServicesConfig config;
    private final @Nullable RelayTransport relayTransport;
    /** What was started, in order; closed from the last. */
    private final Deque<Named> started = new ConcurrentLinkedDeque<>();

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean joining = new AtomicBoolean();
    private volatile Reachability reachability = Reachability.UNKNOWN;
    private @Nullable RelayService relayService;
    private @Nullable KadDht dht;
    private @Nullable Gossipsub pubsub;
    private @Nullable AutonatClient autonat;
    private @Nullable RelayReserver reserver;
    private @Nullable Bootstrapper bootstrapper;
    private @Nullable MdnsDiscovery mdns;
    private volatile @Nullable Thread join;

    private record Named(String name, AutoCloseable service) {}

    /**
     * Prepares the services of {@code host}, which must not have started: adds the relay transport
     * when the relay client is on. Call {@link #start()} once the host listens.
     */
    NetworkServices(BasicHost host, NetworkServicesConfig config) {
        this.host = host;
        this.config = config;
        if (config.relayClient()) {
            RelayTransport transport = new RelayTransport(host);
            host.addTransport(transport);
            this.relayTransport = transport;
        } else {
            this.relayTransport = null;
        }
    }

    /** Starts the services; on failure those already started are closed again. */
    void start() throws StartupException {
        try {
            if (config.relayService()) {
                relayService = own("relay service", new RelayService(host, config.relayConfig()));
            }
            if (config.autonatService()) {
                own("autonat service", new AutonatService(host, config.autonatConfig(), host::probe));
            }
            @Nullable Reachability forced = config.forceReachability();
            if (forced != null) {
                reachability = forced;
            }
            if (config.dht()) {
                dht = own("dht", KadDht.start(host, KadConfig.defaults().withMode(dhtMode(reachability))));
                own("dht join", host.subscribe(this::joinDhtOnce));
            }
            if (config.pubsub()) {
                pubsub = own("pubsub", Gossipsub.start(host, GossipsubConfig.defaults()));
            }
            if (relayTransport != null) {
                RelayReserver r =
                        new RelayReserver(host, relayTransport, config.relayStatic(), NetworkServicesConfig.MAX_RELAYS);
                reserver = own("relay reserver", r);
                r.start();
            }
            if (forced == null) {
                AutonatClient client = own("autonat client", new AutonatClient(host, config.autonatConfig()));
                autonat = client;
                client.addListener(this::onReachability);
                client.start();
            } else {
                log.info("reachability forced to {} ([autonat].force_reachability)", lower(forced));
                onReachability(forced);
            }
            if (!config.bootstrap().isEmpty() || config.minConnections() > 0) {
                Bootstrapper b = own("bootstrap", new Bootstrapper(host, config.bootstrapConfig()));
                bootstrapper = b;
                b.start();
            }
            if (config.mdns()) {
                startMdns();
            }
        } catch (RuntimeException e) {
            close();
            throw new StartupException("cannot start the network services: " + e.getMessage(), e);
        }
    }

    private void startMdns() {
        MdnsDiscovery discovery = new MdnsDiscovery(
                host, MdnsConfig.defaults().withAutoConnect(true).withInterfaces(config.mdnsInterfaces()));
        try {
            discovery.start();
            mdns = own("mdns", discovery);
        } catch (IOException e) {
            // No multicast-capable interface is no reason not to run: say so once and go on without.
            discovery.close();
            log.warn("mDNS is off: {} (set [mdns].enabled = false to silence this)", e.getMessage());
        }
    }

    private <T extends AutoCloseable> T own(String name, T service) {
        started.push(new Named(name, service));
        return service;
    }

    private static KadMode dhtModeFor(NetworkServicesConfig.DhtMode mode, Reachability reachability) {
        return switch (mode) {
            case CLIENT -> KadMode.CLIENT;
            case SERVER -> KadMode.SERVER;
            case AUTO -> reachability == Reachability.PRIVATE ? KadMode.CLIENT : KadMode.SERVER;
        };
    }

    private KadMode dhtMode(Reachability r) {
        return dhtModeFor(config.dhtMode(), r);
    }

    /** AutoNAT's listener (on its probe thread): quick, in-memory changes only. */
    private void onReachability(Reachability value) {
        reachability = value;
        KadDht d = dht;
        if (d != null && config.dhtMode() == NetworkServicesConfig.DhtMode.AUTO) {
            KadMode mode = dhtMode(value);
            if (d.mode() != mode) {
                log.info("DHT switches to {} mode: reachability is {}", lower(mode), lower(value));
                d.setMode(mode);
            }
        }
        RelayReserver r = reserver;
        if (r != null) {
            r.setPrivate(value == Reachability.PRIVATE);
        }
    }

    /**
     * The DHT's own maintenance waits a refresh interval; a node that just met its first DHT peer
     * looks itself up at once, so others learn of it and it fills its table.
     */
    private void joinDhtOnce(HostEvent event) {
        if (!(event instanceof HostEvent.PeerIdentified id) || !id.protocols().contains(KadDht.PROTOCOL_ID)) {
            return;
        }
        KadDht d = dht;
        if (d == null || closed.get() || !joining.compareAndSet(false, true)) {
            return;
        }
        Optional<Multiaddr> through = host.connections(id.peer()).stream()
                .filter(Connection::isOpen)
                .findFirst()
                .map(c -> c.remoteAddress().withPeerId(id.peer()));
        join = Thread.ofVirtual().name("dht-join").start(() -> {
            try {
                int size = d.bootstrap(through.map(List::of).orElse(List.of()));
                log.debug("joined the DHT through {}: {} peers in the routing table", id.peer(), size);
            } catch (IOException e) {
                log.info("joining the DHT through {} failed: {}", id.peer(), e.getMessage());
                joining.set(false);
            } catch (IllegalArgumentException e) {
                log.debug("joining the DHT through {}: {}", id.peer(), e.getMessage());
                joining.set(false);
            }
        });
    }

    // ---- what the control API reads ----

    public Reachability reachability() {
        return reachability;
    }

    public boolean reachabilityForced() {
        return config.forceReachability() != null;
    }

    public NetworkServicesConfig config() {
        return config;
    }

    public Optional<KadDht> dht() {
        return Optional.ofNullable(dht);
    }

    public Optional<Gossipsub> pubsub() {
        return Optional.ofNullable(pubsub);
    }

    public Optional<RelayService> relayService() {
        return Optional.ofNullable(relayService);
    }

    public Optional<MdnsDiscovery> mdns() {
        return Optional.ofNullable(mdns);
    }

    public Optional<Bootstrapper> bootstrapper() {
        return Optional.ofNullable(bootstrapper);
    }

    /** The reservations this node holds on relays (empty unless private with the relay client on). */
    public List<io.servent.p2p.relay.RelayReservation> relayReservations() {
        RelayReserver r = reserver;
        return r == null ? List.of() : r.reservations();
    }

    public PeerId peerId() {
        return host.peerId();
    }

    /** Closes every service in reverse start order and waits for their threads; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        while (!started.isEmpty()) {
            Named next = started.pop();
            try {
                next.service().close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", next.name(), e.toString());
            }
        }
        Thread t = join;
        if (t != null) {
            // The DHT is closed, so its bootstrap fails promptly; interrupt in case it waits.
            t.interrupt();
            try {
                if (!t.join(JOIN_CLOSE_TIMEOUT)) {
                    log.warn("dht-join did not stop within {} s", JOIN_CLOSE_TIMEOUT.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether every thread these services started has ended (for shutdown tests). */
    public boolean isTerminated() {
        KadDht d = dht;
        Gossipsub g = pubsub;
        AutonatClient a = autonat;
        Bootstrapper b = bootstrapper;
        MdnsDiscovery m = mdns;
        Thread t = join;
        RelayReserver r = reserver;
        return closed.get()
                && (d == null || d.isTerminated())
                && (g == null || g.liveThreadCount() == 0)
                && (a == null || a.isTerminated())
                && (b == null || b.liveThreadCount() == 0)
                && (m == null || m.liveThreadCount() == 0)
                && (t == null || !t.isAlive())
                && (r == null || r.isTerminated());
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
