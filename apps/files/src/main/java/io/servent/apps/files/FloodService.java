package io.servent.apps.files;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.apps.files.proto.QrpProto;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Super-peer flooding (Gnutella 0.6 as LimeWire ran it). A node is a {@link Role#LEAF} or a {@link
 * Role#SUPER_PEER} ({@link FloodElection}). A leaf keeps a few super-peers over {@code
 * /servent/qrp/1.0.0} and sends each its query-routing table (what it shares with everyone); a
 * super-peer keeps leaves and neighbour super-peers. Queries travel over {@code
 * /servent/search/1.0.0}: a super-peer answers, forwards to the leaves whose table may match (ttl 0:
 * they answer and stop) and, while ttl allows, to its neighbours (ttl - 1, hops + 1); every node
 * drops a query id it has seen ({@link SearchResponder}); hits come back on the streams the query
 * came through, the reverse path. A leaf searching does dynamic querying: one super-peer at a time,
 * each step with a wider ttl, until {@link FloodConfig#targetResults()} hits came back.
 *
 * <p>Thread-safe. Each QRP link has a handler or reader virtual thread for its lifetime; forwards run
 * on virtual threads joined within the query's deadline.
 */
public final class FloodService implements AutoCloseable, SearchResponder.Forwarder {
    private static final Logger log = LoggerFactory.getLogger(FloodService.class);

    public static final String QRP_PROTOCOL_ID = "/servent/qrp/1.0.0";

    /** A hello is a few bytes. */
    static final int MAX_HELLO_BYTES = 64;

    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(5);
    /** A leaf may send this many table updates per minute (after the first reset and patch). */
    static final int MAX_PATCHES_PER_MINUTE = 30;

    public enum Role {
        LEAF,
        SUPER_PEER
    }

    private final Host host;
    private final ShareIndex index;
    private final SearchResponder responder;
    private final FloodConfig config;
    private final SecureRandom random = new SecureRandom();
    private volatile Role role;
    private volatile boolean closed;

    /** Super-peer side: leaves with their tables (a table is guarded by its link's lock). */
    private final Map<PeerId, Link> leaves = new ConcurrentHashMap<>();
    /** Super-peer side: neighbour super-peers. */
    private final Map<PeerId, Link> neighbours = new ConcurrentHashMap<>();
    /** Leaf side: our super-peers. */
    private final Map<PeerId, Link> superPeers = new ConcurrentHashMap<>();

    private final ReentrantLock tableLock = new ReentrantLock();
    private QrpTable published;

    final AtomicLong forwardedToLeaves = new AtomicLong();
    final AtomicLong suppressedByQrp = new AtomicLong();
    final AtomicLong forwardedToSuperPeers = new AtomicLong();

    /** One QRP relation: its stream, and for a leaf, its table and patch sequence. */
    private static final class Link {
        final Stream stream;
        final ReentrantLock lock = new ReentrantLock();

        @Nullable
        QrpTable table;

        long seq;
        long lastSeq;

        Link(Stream stream) {
            this.stream = stream;
        }

        boolean mayMatch(FileQuery q) {
            lock.lock();
            try {
                return table != null && table.mayMatch(q);
            } finally {
                lock.unlock();
            }
        }
    }

    public FloodService(
            Host host, ShareIndex index, SearchResponder responder, FloodConfig config, FloodElection.Inputs initial) {
        this.host = host;
        this.index = index;
        this.responder = responder;
        this.config = config;
        this.published = new QrpTable(config.qrpTableBits());
        this.role = Role.LEAF;
        responder.setForwarder(this);
        setRole(FloodElection.decide(config, initial));
    }

    public Role role() {
        return role;
    }

    public FloodConfig config() {
        return config;
    }

    /** Re-runs the election with fresh measurements; switching role drops the links of the old one. */
    public Role elect(FloodElection.Inputs inputs) {
        setRole(FloodElection.decide(config, inputs));
        return role;
    }

    private void setRole(Role value) {
        if (value == Role.SUPER_PEER) {
            host.setStreamHandler(QRP_PROTOCOL_ID, this::serveQrp);
        } else {
            host.removeStreamHandler(QRP_PROTOCOL_ID);
        }
        if (value != role) {
            log.info("flood: {} is now a {}", host.peerId().shortString(), value);
            role = value;
            closeAll(value == Role.SUPER_PEER ? superPeers : leaves);
            if (value == Role.LEAF) {
                closeAll(neighbours);
            }
        }
    }

    public Set<PeerId> superPeers() {
        return Set.copyOf(superPeers.keySet());
    }

    public Set<PeerId> leaves() {
        return Set.copyOf(leaves.keySet());
    }

    public Set<PeerId> neighbours() {
        return Set.copyOf(neighbours.keySet());
    }

    // ---- links ----

    /**
     * Links to super-peers among {@code candidates}: as a leaf until it has {@link
     * FloodConfig#leafSuperPeers()}, as a super-peer to neighbours until {@link
     * FloodConfig#maxNeighbours()}. Candidates that are not super-peers or are full refuse.
     *
     * @return how many links this node has now
     */
    public int connect(Collection<PeerId> candidates) {
        for (PeerId c : candidates) {
            if (closed || c.equals(host.peerId())) {
                continue;
            }
            boolean leaf = role == Role.LEAF;
            Map<PeerId, Link> links = leaf ? superPeers : neighbours;
            int want = leaf ? config.leafSuperPeers() : config.maxNeighbours();
            if (links.size() >= want) {
                break;
            }
            if (links.containsKey(c)) {
                continue;
            }
            try {
                link(c, leaf, links);
            } catch (IOException e) {
                log.debug("flood: {} refused a {} link: {}", c, leaf ? "leaf" : "super-peer", e.toString());
            }
        }
        return role == Role.LEAF ? superPeers.size() : neighbours.size();
    }

    private void link(PeerId peer, boolean leaf, Map<PeerId, Link> links) throws IOException {
        Stream stream = host.newStream(peer, QRP_PROTOCOL_ID);
        try {
            stream.setReadTimeout(HELLO_TIMEOUT);
            write(stream, hello(leaf ? QrpProto.QrpHello.Role.LEAF : QrpProto.QrpHello.Role.SUPER));
            QrpProto.QrpMessage reply = parse(LengthPrefixed.readRequired(stream.in(), MAX_HELLO_BYTES));
            if (!reply.hasHello() || reply.getHello().getRole() != QrpProto.QrpHello.Role.SUPER) {
                throw new ProtocolViolationException(peer + " answered a QRP hello with " + reply.getKindCase());
            }
            stream.setReadTimeout(Duration.ZERO);
        } catch (IOException | RuntimeException e) {
            stream.reset();
            throw e;
        }
        Link link = new Link(stream);
        links.put(peer, link);
        log.debug(
                "flood: {} linked to super-peer {} as a {}",
                host.peerId().shortString(),
                peer.shortString(),
                leaf ? "leaf" : "neighbour");
        if (leaf) {
            tableLock.lock();
            try {
                sendTable(link, published, true);
            } finally {
                tableLock.unlock();
            }
        }
        // The super-peer never writes again; a read ends when the link does.
        Thread.ofVirtual().name("flood-link-" + peer.shortString()).start(() -> {
            try {
                while (stream.in().read() >= 0) {
                    // ignore: nothing is expected
                }
            } catch (IOException e) {
                // ended
            } finally {
                links.remove(peer, link);
                stream.reset();
            }
        });
    }

    /** Sends the table to a super-peer: a reset and the whole table, or the change since last time. */
    private void sendTable(Link link, QrpTable table, boolean reset) {
        link.lock.lock();
        try {
            QrpTable before = link.table;
            if (reset || before == null) {
                write(
                        link.stream,
                        QrpProto.QrpMessage.newBuilder()
                                .setReset(QrpProto.QrpReset.newBuilder().setTableBits(table.bits()))
                                .build());
                before = new QrpTable(table.bits());
                link.seq = 0;
            }
            if (!before.equals(table)) {
                link.seq++;
                write(
                        link.stream,
                        QrpProto.QrpMessage.newBuilder()
                                .setPatch(QrpProto.QrpPatch.newBuilder()
                                        .setSeq(link.seq)
                                        .setDeflatedXor(ByteString.copyFrom(table.patchFrom(before))))
                                .build());
            }
            link.table = table.copy();
        } catch (IOException e) {
            log.debug("flood: sending the table failed: {}", e.toString());
            link.stream.reset();
        } finally {
            link.lock.unlock();
        }
    }

    /**
     * Rebuilds this node's table from what it shares with everyone and sends the change to its
     * super-peers. Call after shares change (or periodically).
     *
     * @return the table's fill ratio
     */
    public double refreshTable() throws IOException {
        QrpTable table = new QrpTable(config.qrpTableBits());
        for (Share share : index.shares()) {
            if (share.access() instanceof ShareAccess.Everyone) {
                for (SharedFile f : index.files(share.id())) {
                    table.addName(f.displayPath());
                }
            }
        }
        tableLock.lock();
        try {
            published = table;
            for (Link link : superPeers.values()) {
                sendTable(link, table, false);
            }
        } finally {
            tableLock.unlock();
        }
        return table.fill();
    }

    // ---- the super-peer's QRP handler ----

    private void serveQrp(Stream stream) throws IOException {
        PeerId peer = stream.remotePeer();
        try {
            stream.setReadTimeout(HELLO_TIMEOUT);
            QrpProto.QrpMessage first = parse(LengthPrefixed.readRequired(stream.in(), MAX_HELLO_BYTES));
            if (!first.hasHello()) {
                throw new ProtocolViolationException("a QRP stream must start with hello, not " + first.getKindCase());
            }
            boolean leaf = first.getHello().getRole() == QrpProto.QrpHello.Role.LEAF;
            Map<PeerId, Link> links = leaf ? leaves : neighbours;
            int max = leaf ? config.maxLeaves() : config.maxNeighbours();
            if (role != Role.SUPER_PEER || links.size() >= max || links.containsKey(peer)) {
                log.debug("flood: no room for {} as a {}", peer, leaf ? "leaf" : "neighbour");
                stream.reset();
                return;
            }
            Link link = new Link(stream);
            links.put(peer, link);
            try {
                write(stream, hello(QrpProto.QrpHello.Role.SUPER));
                stream.setReadTimeout(Duration.ZERO);
                if (leaf) {
                    readTables(peer, link);
                } else {
                    if (stream.in().read() >= 0) {
                        throw new ProtocolViolationException("a neighbour super-peer sent data on its QRP link");
                    }
                }
            } finally {
                links.remove(peer, link);
            }
        } catch (ProtocolViolationException e) {
            log.info("flood: closed the QRP link of {}: {}", peer, e.getMessage());
            stream.reset();
        }
    }

    private void readTables(PeerId peer, Link link) throws IOException {
        long windowStart = System.nanoTime();
        int inWindow = 0;
        while (!closed) {
            var bytes = LengthPrefixed.read(link.stream.in(), QrpTable.MAX_PATCH_BYTES + 64);
            if (bytes.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            if (now - windowStart > TimeUnit.MINUTES.toNanos(1)) {
                windowStart = now;
                inWindow = 0;
            }
            if (++inWindow > MAX_PATCHES_PER_MINUTE + 2) {
                throw new ProtocolViolationException("more than " + MAX_PATCHES_PER_MINUTE + " table updates a minute");
            }
            QrpProto.QrpMessage m = parse(bytes.get());
            link.lock.lock();
            try {
                switch (m.getKindCase()) {
                    case RESET -> {
                        int bits = m.getReset().getTableBits();
                        if (bits < QrpTable.MIN_BITS || bits > QrpTable.MAX_BITS) {
                            throw new ProtocolViolationException("QRP table of 2^" + Integer.toUnsignedString(bits)
                                    + " slots (2^" + QrpTable.MIN_BITS + " to 2^" + QrpTable.MAX_BITS + ")");
                        }
                        link.table = new QrpTable(bits);
                        link.lastSeq = 0;
                    }
                    case PATCH -> {
                        QrpTable t = link.table;
                        if (t == null) {
                            throw new ProtocolViolationException("QRP patch before a reset");
                        }
                        if (m.getPatch().getSeq() != link.lastSeq + 1) {
                            throw new ProtocolViolationException("QRP patch "
                                    + Long.toUnsignedString(m.getPatch().getSeq()) + " after " + link.lastSeq);
                        }
                        t.applyPatch(m.getPatch().getDeflatedXor().toByteArray());
                        link.lastSeq++;
                    }
                    default -> throw new ProtocolViolationException("unexpected QRP message " + m.getKindCase());
                }
            } finally {
                link.lock.unlock();
            }
        }
    }

    // ---- forwarding (SearchResponder.Forwarder) ----

    /** How long a query with {@code ttl} super-peer hops left may take. */
    static Duration forwardTimeout(int ttl) {
        return Duration.ofMillis(1500L * Math.max(1, ttl));
    }

    @Override
    public void forward(SearchWire.Request request, PeerId from, SearchResponder.HitRelay relay, long deadlineNanos) {
        if (role != Role.SUPER_PEER || request.ttl() < 1) {
            return;
        }
        List<Thread> threads = new ArrayList<>();
        for (Map.Entry<PeerId, Link> e : leaves.entrySet()) {
            if (e.getKey().equals(from)) {
                continue;
            }
            if (!e.getValue().mayMatch(request.query())) {
                suppressedByQrp.incrementAndGet();
                continue;
            }
            forwardedToLeaves.incrementAndGet();
            threads.add(send(e.getKey(), request, 0, relay, deadlineNanos));
        }
        if (request.ttl() >= 2) {
            for (PeerId n : neighbours.keySet()) {
                if (!n.equals(from)) {
                    forwardedToSuperPeers.incrementAndGet();
                    threads.add(send(n, request, request.ttl() - 1, relay, deadlineNanos));
                }
            }
        }
        join(threads, deadlineNanos);
    }

    private Thread send(PeerId to, SearchWire.Request r, int ttl, SearchResponder.HitRelay relay, long deadlineNanos) {
        return Thread.ofVirtual().name("flood-forward-" + to.shortString()).start(() -> {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                SearchClient.querySigned(
                        host,
                        to,
                        r.guid(),
                        r.query(),
                        ttl,
                        r.hops() + 1,
                        r.maxHits(),
                        SearchMode.FLOOD,
                        Duration.ofNanos(left),
                        relay::relay);
            } catch (IOException | RuntimeException e) {
                log.debug("flood: forwarding to {} failed: {}", to.shortString(), e.toString());
            }
        });
    }

    private static void join(List<Thread> threads, long deadlineNanos) {
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            try {
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- searching ----

    /**
     * Floods {@code query} from this node: as a leaf, dynamic querying through its super-peers (one
     * at a time, each step one hop wider); as a super-peer, through its leaves and neighbours. Hits
     * (distinct per CID and provider) go to {@code sink} as they arrive, from several threads.
     *
     * @return the number of distinct hits
     * @throws IOException if this node has no link to flood through
     */
    public int search(FileQuery query, int maxHits, Consumer<FileHit> sink) throws IOException {
        int target = Math.min(maxHits, config.targetResults());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger count = new AtomicInteger();
        SearchResponder.HitRelay relay = signed -> {
            FileHit hit = signed.hit();
            if (!hit.provider().equals(host.peerId())
                    && seen.size() < SearchWire.MAX_HITS_PER_STREAM
                    && seen.add(hit.root() + " " + hit.provider())) {
                count.incrementAndGet();
                sink.accept(hit);
            }
            return count.get() < maxHits;
        };
        if (role == Role.SUPER_PEER) {
            if (leaves.isEmpty() && neighbours.isEmpty()) {
                throw new IOException("this super-peer has no leaves or neighbours to flood through");
            }
            byte[] guid = guid();
            responder.firstSeen(guid);
            SearchWire.Request r = new SearchWire.Request(guid, query, config.maxTtl(), 0, maxHits);
            forward(
                    r,
                    host.peerId(),
                    relay,
                    System.nanoTime() + forwardTimeout(config.maxTtl()).toNanos());
            return count.get();
        }
        List<PeerId> sps = new ArrayList<>(superPeers.keySet());
        if (sps.isEmpty()) {
            throw new IOException("this leaf has no super-peer connections to flood through");
        }
        byte[] guid = guid();
        responder.firstSeen(guid);
        Set<PeerId> asked = new HashSet<>();
        int steps = Math.max(sps.size(), config.maxTtl());
        for (int step = 0; step < steps && count.get() < target && !closed; step++) {
            PeerId sp = sps.get(step % sps.size());
            if (!asked.add(sp)) {
                guid = guid(); // a super-peer drops an id it has seen: ask again under a new one
                responder.firstSeen(guid);
            }
            int ttl = Math.min(step + 1, config.maxTtl());
            try {
                SearchClient.querySigned(
                        host,
                        sp,
                        guid,
                        query,
                        ttl,
                        0,
                        maxHits,
                        SearchMode.FLOOD,
                        forwardTimeout(ttl).plus(config.hopTimeout()),
                        relay::relay);
            } catch (IOException e) {
                log.debug("flood: super-peer {} failed a query: {}", sp.shortString(), e.toString());
            }
        }
        return count.get();
    }

    private byte[] guid() {
        byte[] g = new byte[SearchWire.GUID_LENGTH];
        random.nextBytes(g);
        return g;
    }

    // ---- wire ----

    private static QrpProto.QrpMessage hello(QrpProto.QrpHello.Role r) {
        return QrpProto.QrpMessage.newBuilder()
                .setHello(QrpProto.QrpHello.newBuilder().setRole(r))
                .build();
    }

    private static void write(Stream stream, QrpProto.QrpMessage m) throws IOException {
        LengthPrefixed.write(stream.out(), m.toByteArray());
        stream.out().flush();
    }

    private static QrpProto.QrpMessage parse(byte[] bytes) throws ProtocolViolationException {
        try {
            QrpProto.QrpMessage m = QrpProto.QrpMessage.parseFrom(bytes);
            if (m.getKindCase() == QrpProto.QrpMessage.KindCase.KIND_NOT_SET) {
                throw new ProtocolViolationException("empty QRP message");
            }
            if (m.hasHello() && m.getHello().getRole() == QrpProto.QrpHello.Role.UNRECOGNIZED) {
                throw new ProtocolViolationException(
                        "unknown QRP role " + m.getHello().getRoleValue());
            }
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed QRP message: " + e.getMessage(), e);
        }
    }

    private static void closeAll(Map<PeerId, Link> links) {
        links.values().forEach(l -> l.stream.reset());
        links.clear();
    }

    @Override
    public void close() {
        closed = true;
        responder.setForwarder(null);
        host.removeStreamHandler(QRP_PROTOCOL_ID);
        closeAll(leaves);
        closeAll(neighbours);
        closeAll(superPeers);
    }
}
