package io.servent.p2p.testing;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.Transport;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/**
 * The shared controller of a chaotic test network: the {@link ChaosConfig} applied to every
 * connection of the {@link ChaosTransport}s it {@link #wrap wraps}, and the partitions between
 * addresses. Give every host a transport from the same {@code Chaos}: each delays what its own
 * connections send, so a link between two of them gets the latency in both directions.
 *
 * <p>Deterministic where a test can be: every connection draws from its own generator, seeded from
 * {@link #seed()}, its two addresses and how many connections between them came before, so thread
 * timing does not change what a connection suffers (memory addresses are assigned in order; TCP's
 * ephemeral ports are not). Print the seed when a test fails.
 *
 * <p>Thread-safe; the config and partitions may change while connections run.
 */
public final class Chaos {
    private static final BiPredicate<Multiaddr, Multiaddr> NO_PARTITION = (a, b) -> false;
    private static final int MAX_TRACKED_PAIRS = 1 << 20;

    /** How long a closed connection keeps delivering bytes in flight to a peer that stopped reading. */
    public static final Duration DEFAULT_LINGER = Duration.ofSeconds(10);

    private final long seed;
    private final ConcurrentMap<String, AtomicLong> connectionsPerPair = new ConcurrentHashMap<>();
    private final Set<ChaosConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile ChaosConfig config;
    private volatile BiPredicate<Multiaddr, Multiaddr> partition = NO_PARTITION;
    private volatile Duration linger = DEFAULT_LINGER;

    public Chaos(long seed) {
        this(seed, ChaosConfig.defaults());
    }

    public Chaos(long seed, ChaosConfig config) {
        this.seed = seed;
        this.config = config;
    }

    public long seed() {
        return seed;
    }

    public ChaosConfig config() {
        return config;
    }

    /** Applies {@code config} to every chunk sent from now on, on open connections too. */
    public void update(ChaosConfig config) {
        this.config = config;
    }

    public ChaosTransport wrap(Transport inner) {
        return new ChaosTransport(inner, this);
    }

    /**
     * Cuts every pair of addresses {@code blocked} matches (in either order): open connections between
     * them are killed, new dials fail and inbound connections are refused, until {@link #heal()}.
     * Addresses are the transport's own (for memory: the listen addresses), without {@code /p2p/}.
     */
    public void partition(BiPredicate<Multiaddr, Multiaddr> blocked) {
        this.partition = blocked;
        for (ChaosConnection connection : connections) {
            if (isBlocked(connection.localAddress(), connection.remoteAddress())) {
                connection.kill("partitioned");
            }
        }
    }

    /** Cuts {@code side} from {@code otherSide}; addresses within one side still reach each other. */
    public void partition(Collection<Multiaddr> side, Collection<Multiaddr> otherSide) {
        Set<Multiaddr> one = normalize(side);
        Set<Multiaddr> other = normalize(otherSide);
        partition((a, b) -> one.contains(a) && other.contains(b));
    }

    /** Ends every partition. */
    public void heal() {
        this.partition = NO_PARTITION;
    }

    /** Whether a partition separates the two addresses. */
    public boolean isBlocked(Multiaddr a, Multiaddr b) {
        BiPredicate<Multiaddr, Multiaddr> current = partition;
        if (current == NO_PARTITION) {
            return false;
        }
        Multiaddr x = a.withoutPeerId();
        Multiaddr y = b.withoutPeerId();
        return current.test(x, y) || current.test(y, x);
    }

    Duration linger() {
        return linger;
    }

    /** Shortens the linger so tests of it run fast. */
    void linger(Duration linger) {
        this.linger = linger;
    }

    /** Chaos connections open now. */
    public int openConnections() {
        return connections.size();
    }

    ChaosConnection register(RawConnection inner) {
        String pair = inner.localAddress() + " " + inner.remoteAddress();
        if (connectionsPerPair.size() >= MAX_TRACKED_PAIRS) {
            // Bounded memory beats determinism for a simulation this large.
            connectionsPerPair.clear();
        }
        long ordinal =
                connectionsPerPair.computeIfAbsent(pair, p -> new AtomicLong()).getAndIncrement();
        long connectionSeed = seed;
        for (long part : new long[] {pair.hashCode(), ordinal}) {
            connectionSeed = new SplittableRandom(connectionSeed ^ part).nextLong();
        }
        ChaosConnection connection = new ChaosConnection(inner, this, new SplittableRandom(connectionSeed));
        connections.add(connection);
        // A partition that started while this connection was being set up applies to it too.
        if (isBlocked(connection.localAddress(), connection.remoteAddress())) {
            connection.kill("partitioned");
        }
        return connection;
    }

    void unregister(ChaosConnection connection) {
        connections.remove(connection);
    }

    private static Set<Multiaddr> normalize(Collection<Multiaddr> addresses) {
        return addresses.stream()
                .map(Multiaddr::withoutPeerId)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public String toString() {
        return "Chaos[seed=" + seed + ", " + config + "]";
    }
}
