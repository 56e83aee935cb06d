package io.servent.p2p.mdns;

import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libp2p mDNS peer discovery: peers on one link find each other with no configuration. It joins
 * 224.0.0.251 and ff02::fb on port 5353 on the chosen interfaces, queries for {@code
 * _p2p._udp.local} at start and then periodically, answers queries (its own included, as the spec
 * asks) with this host's advertised addresses, announces itself at start and when those addresses
 * change, and adds the peers it hears about to the peerstore and reports each to its listeners —
 * once when first found, again only when it announces new addresses or its earlier record expired.
 * Optionally it connects to them.
 *
 * <p>Everything from the network is bounded and checked: datagrams larger than 9000 bytes and
 * malformed messages are dropped (logged at debug), packets from sources that are not on a chosen
 * interface's subnet are ignored (RFC 6762 §11), responses go out at most once a second whatever
 * the query rate, legacy unicast queries get at most {@value #MAX_LEGACY_REPLIES_PER_SECOND}
 * answers a second, and at most {@value #MAX_KNOWN_PEERS} peers are remembered. Loopback addresses
 * are taken only from peers that are themselves on loopback, and announced only on loopback.
 *
 * <p>Threads (virtual, owned, and joined by {@link #close()}): one receiver per socket ({@code
 * mdns-receive-v4}, {@code -v6}) that only decodes and records; {@code mdns-timer}, which sends
 * every query and multicast response; {@code mdns-events}, which calls listeners (so a slow
 * listener delays only later events, and a full queue of {@value #EVENT_QUEUE_CAPACITY} loses
 * events, counted and logged) and starts dials ({@code mdns-dial-N}, at most {@value
 * #MAX_CONCURRENT_DIALS} at once). Thread-safe.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/discovery/mdns.md">libp2p mDNS</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6762">RFC 6762</a>
 */
public final class MdnsDiscovery implements AutoCloseable {
    /** The DNS-SD service every libp2p peer answers for. */
    public static final String SERVICE_NAME = "_p2p._udp.local";

    public static final InetAddress IPV4_GROUP = literal("224.0.0.251");
    public static final InetAddress IPV6_GROUP = literal("ff02::fb");

    static final int MAX_KNOWN_PEERS = 1024;
    static final int EVENT_QUEUE_CAPACITY = 256;
    static final int MAX_CONCURRENT_DIALS = 4;
    static final int MAX_LEGACY_REPLIES_PER_SECOND = 10;
    static final int MAX_ANNOUNCED_ADDRESSES = 32;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final long RECEIVE_ERROR_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Logger log = LoggerFactory.getLogger(MdnsDiscovery.class);

    private final Host host;
    private final MdnsConfig config;
    private final PeerId self;
    private final List<Consumer<MdnsPeer>> listeners = new CopyOnWriteArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final MdnsSchedule schedule;
    /** Guarded by {@link #lock}. */
    private final Map<PeerId, Known> known = new HashMap<>();

    private final BlockingQueue<MdnsPeer> events = new ArrayBlockingQueue<>(EVENT_QUEUE_CAPACITY);
    private final AtomicLong droppedEvents = new AtomicLong();
    private final AtomicLong unexpectedErrors = new AtomicLong();
    private final Set<PeerId> dialing = ConcurrentHashMap.newKeySet();
    private final Semaphore dialPermits = new Semaphore(MAX_CONCURRENT_DIALS);
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong threadCounter = new AtomicLong();
    private final List<McastSocket> sockets = new CopyOnWriteArrayList<>();
    private final LegacyBudget legacyBudget = new LegacyBudget();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile List<NetworkInterface> interfaces = List.of();
    private volatile Link link = new Link(List.of(), Set.of());
    private volatile @Nullable AutoCloseable subscription;

    /** What was last reported about a peer, to report it again only when something changes. */
    private record Known(Set<Multiaddr> addresses, long expiresAt, Duration ttl) {}

    /** The chosen interfaces' addresses, for the on-link source check. */
    private record Link(List<InterfaceAddress> addresses, Set<Integer> indexes) {}

    /** One multicast socket (per address family) and the interfaces it joined. */
    private static final class McastSocket {
        final String family;
        final DatagramChannel channel;
        final InetSocketAddress group;
        final List<NetworkInterface> joined;
        final ReentrantLock sendLock = new ReentrantLock();
        final Set<String> failing = ConcurrentHashMap.newKeySet();

        McastSocket(String family, DatagramChannel channel, InetSocketAddress group, List<NetworkInterface> joined) {
            this.family = family;
            this.channel = channel;
            this.group = group;
            this.joined = List.copyOf(joined);
        }
    }

    public MdnsDiscovery(Host host, MdnsConfig config) {
        this.host = host;
        this.config = config;
        this.self = host.peerId();
        this.schedule = new MdnsSchedule(config.queryInterval());
    }

    /** Calls {@code listener} with each discovered peer, on the {@code mdns-events} thread. Close to stop. */
    public AutoCloseable subscribe(Consumer<MdnsPeer> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public String peerName() {
        return config.peerName();
    }

    /** The interfaces joined, by name (after {@link #start()}). */
    public List<String> interfaceNames() {
        Set<String> names = new LinkedHashSet<>();
        sockets.forEach(s -> s.joined.forEach(n -> names.add(n.getName())));
        return List.copyOf(names);
    }

    /** Peers heard from whose records have not expired. */
    public List<MdnsPeer> discoveredPeers() {
        long now = System.nanoTime();
        lock.lock();
        try {
            List<MdnsPeer> out = new ArrayList<>();
            known.forEach((peer, k) -> {
                if (now - k.expiresAt() < 0) {
                    out.add(new MdnsPeer(peer, List.copyOf(k.addresses()), k.ttl()));
                }
            });
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Sends a query now rather than at the next interval. */
    public void queryNow() {
        lock.lock();
        try {
            schedule.queryNow(System.nanoTime());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Joins the multicast groups and starts querying and answering.
     *
     * @throws IOException if a configured interface does not exist or is down, or no group could be
     *     joined anywhere
     */
    public void start() throws IOException {
        if (closed.get()) {
            throw new IOException("mDNS discovery is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("mDNS discovery already started");
        }
        List<NetworkInterface> chosen = chooseInterfaces();
        interfaces = chosen;
        refreshLink();
        try {
            if (config.ipv4()) {
                McastSocket v4 = open(StandardProtocolFamily.INET, IPV4_GROUP, chosen);
                if (v4 != null) {
                    sockets.add(v4);
                }
            }
            if (config.ipv6()) {
                McastSocket v6 = open(StandardProtocolFamily.INET6, IPV6_GROUP, chosen);
                if (v6 != null) {
                    sockets.add(v6);
                }
            }
        } catch (IOException | RuntimeException e) {
            closeSockets();
            throw e;
        }
        if (sockets.isEmpty()) {
            throw new IOException("mDNS could not join " + (config.ipv4() ? IPV4_GROUP.getHostAddress() : "")
                    + (config.ipv4() && config.ipv6() ? " or " : "")
                    + (config.ipv6() ? IPV6_GROUP.getHostAddress() : "")
                    + " on any of " + names(chosen));
        }
        subscription = host.subscribe(event -> {
            if (event instanceof HostEvent.LocalAddressesChanged) {
                announce();
            }
        });
        for (McastSocket socket : sockets) {
            startThread("mdns-receive-" + socket.family, () -> receiveLoop(socket));
        }
        startThread("mdns-timer", this::timerLoop);
        startThread("mdns-events", this::eventLoop);
        lock.lock();
        try {
            schedule.start(System.nanoTime());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log.info("mDNS discovery as {} on {}", config.peerName(), describeSockets());
    }

    private String describeSockets() {
        List<String> parts = new ArrayList<>();
        for (McastSocket s : sockets) {
            parts.add(s.group.getAddress().getHostAddress() + ":" + s.group.getPort() + " " + names(s.joined));
        }
        return String.join(", ", parts);
    }

    private static List<String> names(List<NetworkInterface> nifs) {
        return nifs.stream().map(NetworkInterface::getName).toList();
    }

    private List<NetworkInterface> chooseInterfaces() throws IOException {
        if (!config.interfaces().isEmpty()) {
            List<NetworkInterface> out = new ArrayList<>();
            for (String name : config.interfaces()) {
                NetworkInterface nif = NetworkInterface.getByName(name);
                if (nif == null) {
                    throw new IOException("mDNS: there is no network interface named '" + name + "'");
                }
                if (!nif.isUp()) {
                    throw new IOException("mDNS: network interface '" + name + "' is down");
                }
                out.add(nif);
            }
            return out;
        }
        List<NetworkInterface> lan = new ArrayList<>();
        List<NetworkInterface> loopback = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isVirtual()) {
                continue;
            }
            if (nif.isLoopback()) {
                loopback.add(nif);
            } else if (nif.supportsMulticast() && !nif.isPointToPoint()) {
                lan.add(nif);
            }
        }
        return lan.isEmpty() ? loopback : lan;
    }

    private @Nullable McastSocket open(ProtocolFamily family, InetAddress group, List<NetworkInterface> chosen)
            throws IOException {
        boolean v4 = family == StandardProtocolFamily.INET;
        String name = v4 ? "v4" : "v6";
        List<NetworkInterface> candidates = chosen.stream()
                .filter(n ->
                        n.inetAddresses().anyMatch(a -> v4 ? a instanceof Inet4Address : a instanceof Inet6Address))
                .toList();
        if (candidates.isEmpty()) {
            log.debug("mDNS: no chosen interface has an IP{} address", name);
            return null;
        }
        DatagramChannel channel;
        try {
            channel = DatagramChannel.open(family);
        } catch (UnsupportedOperationException | IOException e) {
            log.debug("mDNS: cannot open an IP{} socket: {}", name, e.toString());
            return null;
        }
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(literal(v4 ? "0.0.0.0" : "::"), config.port()));
            channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 255); // RFC 6762 §11
            channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true); // peers on this host, and our own query
            List<NetworkInterface> joined = new ArrayList<>();
            for (NetworkInterface nif : candidates) {
                try {
                    channel.join(group, nif);
                    joined.add(nif);
                } catch (IOException | IllegalArgumentException e) {
                    log.debug("mDNS: cannot join {} on {}: {}", group.getHostAddress(), nif.getName(), e.toString());
                }
            }
            if (joined.isEmpty()) {
                channel.close();
                return null;
            }
            return new McastSocket(name, channel, new InetSocketAddress(group, config.port()), joined);
        } catch (IOException e) {
            channel.close();
            throw new IOException(
                    "mDNS: cannot bind UDP port " + config.port() + " for IP" + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void refreshLink() {
        List<InterfaceAddress> addresses = new ArrayList<>();
        Set<Integer> indexes = new HashSet<>();
        for (NetworkInterface nif : interfaces) {
            try {
                NetworkInterface fresh = NetworkInterface.getByIndex(nif.getIndex());
                NetworkInterface current = fresh != null ? fresh : nif;
                addresses.addAll(current.getInterfaceAddresses());
                indexes.add(current.getIndex());
            } catch (SocketException e) {
                addresses.addAll(nif.getInterfaceAddresses());
                indexes.add(nif.getIndex());
            }
        }
        link = new Link(List.copyOf(addresses), Set.copyOf(indexes));
    }

    // ---- receiving ----

    private void receiveLoop(McastSocket socket) {
        ByteBuffer buffer = ByteBuffer.allocate(DnsCodec.MAX_MESSAGE_LENGTH + 1);
        while (!closed.get()) {
            buffer.clear();
            SocketAddress from;
            try {
                from = socket.channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed.get()) {
                    return;
                }
                log.debug("mDNS: receiving on IP{} failed: {}", socket.family, e.toString());
                LockSupport.parkNanos(RECEIVE_ERROR_PAUSE_NANOS); // never spin on a persistent error
                continue;
            }
            if (!(from instanceof InetSocketAddress source)) {
                continue;
            }
            try {
                onPacket(buffer.array(), buffer.position(), source, socket);
            } catch (RuntimeException e) {
                // A bug, not bad input (that is handled above): log it and keep serving.
                unexpectedErrors.incrementAndGet();
                log.warn("mDNS: handling a packet from {} failed", source, e);
            }
        }
    }

    private void onPacket(byte[] data, int length, InetSocketAddress from, McastSocket socket) {
        if (length > DnsCodec.MAX_MESSAGE_LENGTH) {
            log.debug("mDNS: ignoring a datagram from {} of more than {} bytes", from, DnsCodec.MAX_MESSAGE_LENGTH);
            return;
        }
        if (!onLink(from.getAddress())) {
            log.trace("mDNS: ignoring a packet from {}, which is not on a chosen interface's link", from);
            return;
        }
        DnsMessage message;
        try {
            message = DnsCodec.decode(data, 0, length);
        } catch (DnsFormatException e) {
            log.debug("mDNS: ignoring a malformed packet from {}: {}", from, e.getMessage());
            return;
        }
        if (message.opcode() != 0 || message.rcode() != 0) {
            return; // RFC 6762 §18.3 and §18.11: silently ignored
        }
        if (message.isResponse()) {
            onResponse(message, from.getAddress());
        } else {
            onQuery(message, from, socket);
        }
    }

    private boolean onLink(InetAddress source) {
        Link current = link;
        if (source instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
            return v6.getScopeId() == 0 || current.indexes().contains(v6.getScopeId());
        }
        byte[] src = source.getAddress();
        for (InterfaceAddress ia : current.addresses()) {
            byte[] net = ia.getAddress().getAddress();
            if (net.length == src.length && samePrefix(net, src, ia.getNetworkPrefixLength())) {
                return true;
            }
        }
        return false;
    }

    static boolean samePrefix(byte[] a, byte[] b, int bits) {
        int full = Math.min(bits, a.length * 8) / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = Math.min(bits, a.length * 8) % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (b[full] & mask);
    }

    private void onQuery(DnsMessage query, InetSocketAddress from, McastSocket socket) {
        boolean peers = MdnsRecords.asksForPeers(query);
        boolean services = MdnsRecords.asksForServices(query);
        if (!peers && !services) {
            return;
        }
        if (from.getPort() != config.port()) {
            answerLegacy(query, from, socket, peers, services);
            return;
        }
        lock.lock();
        try {
            long now = System.nanoTime();
            if (peers) {
                schedule.peersQueried(now);
            }
            if (services) {
                schedule.servicesQueried(now);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A one-shot querier (e.g. {@code dig -p 5353 @224.0.0.251}) asks from another port: it gets a
     * unicast answer echoing its id and question, with short TTLs (RFC 6762 §6.7).
     */
    private void answerLegacy(
            DnsMessage query, InetSocketAddress from, McastSocket socket, boolean peers, boolean services) {
        if (!legacyBudget.tryTake(System.nanoTime())) {
            log.debug(
                    "mDNS: not answering {}: more than {} legacy queries a second",
                    from,
                    MAX_LEGACY_REPLIES_PER_SECOND);
            return;
        }
        long ttl = Math.min(MdnsRecords.LEGACY_MAX_TTL, config.recordTtl().toSeconds());
        List<DnsMessage> replies = new ArrayList<>();
        if (peers) {
            List<DnsQuestion> asked = query.questions().stream()
                    .filter(q -> q.asks(MdnsRecords.SERVICE, DnsRecord.TYPE_PTR))
                    .limit(1)
                    .toList();
            replies.addAll(MdnsRecords.responses(
                    config.peerName(), announced(from.getAddress().isLoopbackAddress()), ttl, query.id(), asked));
        }
        if (services) {
            List<DnsQuestion> asked = query.questions().stream()
                    .filter(q -> q.asks(MdnsRecords.SERVICES_META, DnsRecord.TYPE_PTR))
                    .limit(1)
                    .toList();
            replies.add(MdnsRecords.servicesResponse(query.id(), asked, ttl));
        }
        for (DnsMessage reply : replies) {
            send(socket, null, from, DnsCodec.encode(reply));
        }
    }

    private void onResponse(DnsMessage response, InetAddress source) {
        for (MdnsPeer found : MdnsRecords.peers(response, config.peerName())) {
            if (found.peer().equals(self)) {
                continue; // our own announcement under a name we no longer use, or a copy of our identity
            }
            List<Multiaddr> usable = usable(found.addresses(), source);
            if (usable.isEmpty()) {
                log.debug("mDNS: {} announced no address usable from here: {}", found.peer(), found.addresses());
                continue;
            }
            Duration ttl = clamp(found.ttl());
            host.peerstore().addAddresses(found.peer(), usable, ttl);
            MdnsPeer peer = new MdnsPeer(found.peer(), usable, ttl);
            if (remember(peer)) {
                log.debug("mDNS: discovered {} at {}", peer.peer(), usable);
                if (!events.offer(peer)) {
                    long lost = droppedEvents.incrementAndGet();
                    if (Long.bitCount(lost) == 1) {
                        log.warn("mDNS: listeners are too slow: {} discoveries not reported so far", lost);
                    }
                }
            }
        }
    }

    private static Duration clamp(Duration ttl) {
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return ttl.compareTo(MdnsConfig.MAX_RECORD_TTL) > 0 ? MdnsConfig.MAX_RECORD_TTL : ttl;
    }

    /**
     * The addresses a peer at {@code source} announced that this host can use: IP addresses that are
     * not wildcard, multicast or zone-less IPv6 link-local, loopback only from a loopback source, and
     * DNS names.
     */
    static List<Multiaddr> usable(List<Multiaddr> addresses, InetAddress source) {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr address : addresses) {
            MultiaddrProtocol first = address.components().get(0).protocol();
            boolean ok =
                    switch (first) {
                        case IP4, IP6 -> {
                            InetAddress ip = MdnsRecords.ip(address).orElseThrow();
                            yield !ip.isAnyLocalAddress()
                                    && !ip.isMulticastAddress()
                                    && !(ip instanceof Inet6Address && ip.isLinkLocalAddress())
                                    && (!ip.isLoopbackAddress() || source.isLoopbackAddress());
                        }
                        case DNS, DNS4, DNS6 -> true;
                        default -> false;
                    };
            if (ok && out.size() < MdnsRecords.MAX_ADDRESSES_PER_PEER) {
                out.add(address);
            }
        }
        return out;
    }

    /** Records what was heard; true if it is news worth reporting. */
    private boolean remember(MdnsPeer peer) {
        long now = System.nanoTime();
        lock.lock();
        try {
            Known before = known.get(peer.peer());
            Known live = before != null && now - before.expiresAt() < 0 ? before : null;
            boolean news = live == null || !live.addresses().containsAll(peer.addresses());
            Set<Multiaddr> addresses = new LinkedHashSet<>(peer.addresses());
            if (live != null) {
                for (Multiaddr a : live.addresses()) {
                    if (addresses.size() >= MdnsRecords.MAX_ADDRESSES_PER_PEER) {
                        break;
                    }
                    addresses.add(a);
                }
            }
            if (before == null && known.size() >= MAX_KNOWN_PEERS) {
                evictOne(now);
            }
            known.put(
                    peer.peer(),
                    new Known(Set.copyOf(addresses), now + peer.ttl().toNanos(), peer.ttl()));
            return news;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets expired peers, or if none has expired, the one whose record expires first. Caller holds the lock. */
    private void evictOne(long now) {
        if (known.values().removeIf(k -> now - k.expiresAt() >= 0)) {
            return;
        }
        known.entrySet().stream()
                .min(Comparator.comparingLong(e -> e.getValue().expiresAt() - now))
                .ifPresent(e -> known.remove(e.getKey()));
    }

    // ---- sending ----

    private void announce() {
        lock.lock();
        try {
            schedule.announce(System.nanoTime());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void timerLoop() {
        while (!closed.get()) {
            Set<MdnsSchedule.Action> due;
            lock.lock();
            try {
                long now = System.nanoTime();
                due = schedule.due(now);
                if (due.isEmpty()) {
                    long wait = schedule.nextDeadline(now) - now;
                    if (wait > 0) {
                        changed.awaitNanos(wait);
                    }
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (due.contains(MdnsSchedule.Action.QUERY)) {
                refreshLink();
                multicast(loopback -> List.of(MdnsRecords.query()));
            }
            if (due.contains(MdnsSchedule.Action.RESPOND)) {
                long ttl = config.recordTtl().toSeconds();
                multicast(loopback -> MdnsRecords.responses(config.peerName(), announced(loopback), ttl, 0, List.of()));
            }
            if (due.contains(MdnsSchedule.Action.RESPOND_SERVICES)) {
                long ttl = config.recordTtl().toSeconds();
                multicast(loopback -> List.of(MdnsRecords.servicesResponse(0, List.of(), ttl)));
            }
        }
    }

    /** Sends the messages {@code build} makes for each joined interface (loopback or not). */
    private void multicast(Function<Boolean, List<DnsMessage>> build) {
        Map<Boolean, List<byte[]>> encoded = new HashMap<>();
        for (McastSocket socket : sockets) {
            for (NetworkInterface nif : socket.joined) {
                boolean loopback = isLoopback(nif);
                List<byte[]> packets = encoded.computeIfAbsent(
                        loopback,
                        l -> build.apply(l).stream().map(DnsCodec::encode).toList());
                for (byte[] packet : packets) {
                    send(socket, nif, socket.group, packet);
                }
            }
        }
    }

    private static boolean isLoopback(NetworkInterface nif) {
        try {
            return nif.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private void send(McastSocket socket, @Nullable NetworkInterface nif, InetSocketAddress to, byte[] packet) {
        String where = nif == null ? to.toString() : nif.getName();
        socket.sendLock.lock();
        try {
            if (nif != null) {
                socket.channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
            }
            socket.channel.send(ByteBuffer.wrap(packet), to);
            if (socket.failing.remove(where)) {
                log.debug("mDNS: sending over IP{} on {} works again", socket.family, where);
            }
        } catch (IOException e) {
            if (!closed.get() && socket.failing.add(where)) {
                // Logged once until it works again: IPv6 on a loopback without a multicast route fails every time.
                log.debug("mDNS: cannot send over IP{} on {}: {}", socket.family, where, e.toString());
            }
        } finally {
            socket.sendLock.unlock();
        }
    }

    /**
     * This host's advertised addresses with {@code /p2p/<id>}: IP and DNS addresses only, loopback
     * ones only for loopback interfaces, at most {@value #MAX_ANNOUNCED_ADDRESSES}. A zone means
     * nothing to another host: link-local addresses are left out, and a zone in front of any other
     * IPv6 address (Java scopes every interface address) is dropped.
     */
    List<Multiaddr> announced(boolean loopback) {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr advertised : host.advertisedAddresses()) {
            Multiaddr address = withoutZone(advertised);
            MultiaddrProtocol first = address.components().get(0).protocol();
            boolean ok =
                    switch (first) {
                        case IP4, IP6 -> {
                            InetAddress ip = MdnsRecords.ip(address).orElseThrow();
                            yield !ip.isAnyLocalAddress()
                                    && !(ip instanceof Inet6Address && ip.isLinkLocalAddress())
                                    && (loopback || !ip.isLoopbackAddress());
                        }
                        case DNS, DNS4, DNS6 -> true;
                        default -> false;
                    };
            if (ok && out.size() < MAX_ANNOUNCED_ADDRESSES) {
                out.add(address.withPeerId(self));
            }
        }
        return out;
    }

    /** {@code /ip6zone/eth0/ip6/fd00::1/…} → {@code /ip6/fd00::1/…}; other addresses unchanged. */
    static Multiaddr withoutZone(Multiaddr address) {
        List<Multiaddr.Component> components = address.components();
        if (components.size() < 2
                || components.get(0).protocol() != MultiaddrProtocol.IP6ZONE
                || components.get(1).protocol() != MultiaddrProtocol.IP6) {
            return address;
        }
        return Multiaddr.of(components.subList(1, components.size()));
    }

    // ---- events and dials ----

    private void eventLoop() {
        while (!closed.get()) {
            MdnsPeer peer;
            try {
                peer = events.take();
            } catch (InterruptedException e) {
                return;
            }
            for (Consumer<MdnsPeer> listener : listeners) {
                try {
                    listener.accept(peer);
                } catch (RuntimeException e) {
                    log.warn("mDNS: a discovery listener failed on {}", peer.peer(), e);
                }
            }
            if (config.autoConnect()) {
                try {
                    dial(peer.peer());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void dial(PeerId peer) throws InterruptedException {
        if (!host.connections(peer).isEmpty() || !dialing.add(peer)) {
            return;
        }
        dialPermits.acquire();
        try {
            startThread("mdns-dial", () -> {
                try {
                    host.connect(peer);
                    log.debug("mDNS: connected to {}", peer);
                } catch (IOException e) {
                    log.debug("mDNS: could not connect to discovered peer {}: {}", peer, e.getMessage());
                } finally {
                    dialing.remove(peer);
                    dialPermits.release();
                }
            });
        } catch (IllegalStateException closing) {
            dialing.remove(peer);
            dialPermits.release();
        }
    }

    // ---- threads and shutdown ----

    private void startThread(String name, Runnable task) {
        if (closed.get()) {
            throw new IllegalStateException("mDNS discovery is closed");
        }
        Thread thread = Thread.ofVirtual()
                .name(name.equals("mdns-dial") ? name + "-" + threadCounter.incrementAndGet() : name)
                .unstarted(() -> {
                    try {
                        task.run();
                    } catch (RuntimeException | Error e) {
                        log.error(
                                "mDNS: thread {} failed", Thread.currentThread().getName(), e);
                    } finally {
                        threads.remove(Thread.currentThread());
                    }
                });
        threads.add(thread);
        thread.start();
    }

    /** Packets whose handling failed with an unexpected exception: bugs (for tests). */
    long unexpectedErrors() {
        return unexpectedErrors.get();
    }

    /** Threads still running (for shutdown tests). */
    public int liveThreadCount() {
        return threads.size();
    }

    /** Leaves the groups, closes the sockets, and stops and joins every thread. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        AutoCloseable s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                log.debug("mDNS: unsubscribing from host events: {}", e.toString());
            }
        }
        closeSockets();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    log.warn("mDNS: thread {} did not stop within {} ms", t.getName(), CLOSE_TIMEOUT.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void closeSockets() {
        for (McastSocket socket : sockets) {
            try {
                socket.channel.close(); // also leaves the groups
            } catch (IOException e) {
                log.debug("mDNS: closing the IP{} socket: {}", socket.family, e.toString());
            }
        }
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Legacy unicast answers allowed per one-second window: {@value #MAX_LEGACY_REPLIES_PER_SECOND}. */
    private static final class LegacyBudget {
        private final ReentrantLock lock = new ReentrantLock();
        private long windowStart;
        private int used;
        private boolean begun;

        boolean tryTake(long now) {
            lock.lock();
            try {
                if (!begun || now - windowStart >= TimeUnit.SECONDS.toNanos(1)) {
                    begun = true;
                    windowStart = now;
                    used = 0;
                }
                if (used >= MAX_LEGACY_REPLIES_PER_SECOND) {
                    return false;
                }
                used++;
                return true;
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "mDNS " + config.peerName() + " for " + self;
    }
}
