package io.servent.apps.files;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.apps.files.proto.DirectoryProto;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uses index servers: publishes this node's share list — only files shared with everyone; an
 * access-listed file never leaves this node this way — and queries them. The first publication to a
 * server is full, later ones carry only what changed since the last acknowledged one; with nothing
 * changed, an empty update every {@link DirectoryConfig#republishInterval()} keeps the entries from
 * expiring. A server that refuses an update (it restarted, or lost our sequence) gets a full one.
 * Sequence numbers start from the clock in microseconds, so they keep rising across restarts.
 *
 * <p>Thread-safe: publishing is serialised by a lock; queries run concurrently.
 */
public final class DirectoryClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DirectoryClient.class);

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Host host;
    private final ShareIndex index;
    private final DirectoryConfig config;
    private final List<PeerId> servers;
    private final ReentrantLock publishLock = new ReentrantLock();
    private final Map<PeerId, ServerState> states = new ConcurrentHashMap<>();
    private @Nullable ScheduledExecutorService timer;

    /** What a server holds of ours, as far as we know. */
    private static final class ServerState {
        long seq;
        Set<DirectoryEntry> published = Set.of();
        long lastNanos;
    }

    public DirectoryClient(Host host, ShareIndex index, List<PeerId> servers, DirectoryConfig config) {
        this.host = host;
        this.index = index;
        this.servers = List.copyOf(servers);
        this.config = config;
    }

    public List<PeerId> servers() {
        return servers;
    }

    /** Publishes now, then every {@link DirectoryConfig#republishInterval()} / 4 checks for changes. */
    public void start() {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("directory-client").factory());
        timer = t;
        long period = Math.max(1, config.republishInterval().toMillis() / 4);
        var unused = t.scheduleWithFixedDelay(
                () -> {
                    try {
                        publish();
                    } catch (RuntimeException e) {
                        log.warn("directory: publishing failed: {}", e.toString());
                    }
                },
                0,
                period,
                TimeUnit.MILLISECONDS);
    }

    /** The files this node lists: those in shares open to everyone. */
    Set<DirectoryEntry> everyoneEntries() throws IOException {
        Set<DirectoryEntry> out = new LinkedHashSet<>();
        for (Share share : index.shares()) {
            if (share.access() instanceof ShareAccess.Everyone) {
                for (SharedFile f : index.files(share.id())) {
                    String path = f.displayPath();
                    if (SearchWire.representable(path)) {
                        out.add(new DirectoryEntry(f.root(), path, f.size()));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Brings every server up to date (what changed, or a heartbeat when due).
     *
     * @return how many servers acknowledged
     */
    public int publish() {
        publishLock.lock();
        try {
            Set<DirectoryEntry> now;
            try {
                now = everyoneEntries();
            } catch (IOException e) {
                log.warn("directory: cannot read the share index: {}", e.toString());
                return 0;
            }
            int ok = 0;
            for (PeerId server : servers) {
                try {
                    publishTo(server, now);
                    ok++;
                } catch (IOException e) {
                    log.debug("directory: publishing to {} failed: {}", server.shortString(), e.toString());
                }
            }
            return ok;
        } finally {
            publishLock.unlock();
        }
    }

    private void publishTo(PeerId server, Set<DirectoryEntry> now) throws IOException {
        ServerState s = states.get(server);
        boolean due = s == null
                || System.nanoTime() - s.lastNanos >= config.republishInterval().toNanos();
        if (s != null && s.published.equals(now) && !due) {
            return;
        }
        if (s == null) {
            send(server, new ServerState(), true, List.copyOf(now), List.of());
            return;
        }
        List<DirectoryEntry> add = new ArrayList<>();
        for (DirectoryEntry e : now) {
            if (!s.published.contains(e)) {
                add.add(e);
            }
        }
        List<DirectoryEntry> remove = new ArrayList<>();
        for (DirectoryEntry e : s.published) {
            if (!now.contains(e)) {
                remove.add(e);
            }
        }
        try {
            send(server, s, false, add, remove);
        } catch (Refused e) {
            log.info("directory: {} refused an update ({}); publishing in full", server.shortString(), e.getMessage());
            states.remove(server);
            send(server, new ServerState(), true, List.copyOf(now), List.of());
        }
    }

    /** Sends one logical update, split into chunks of at most the wire's entry bound. */
    private void send(PeerId server, ServerState s, boolean full, List<DirectoryEntry> add, List<DirectoryEntry> remove)
            throws IOException {
        Set<DirectoryEntry> published = new HashSet<>(full ? Set.of() : s.published);
        int max = DirectoryWire.MAX_ENTRIES_PER_UPDATE;
        int ai = 0;
        int ri = 0;
        boolean first = true;
        do {
            List<DirectoryEntry> r = remove.subList(ri, Math.min(remove.size(), ri + max));
            ri += r.size();
            List<DirectoryEntry> a = add.subList(ai, Math.min(add.size(), ai + max - r.size()));
            ai += a.size();
            boolean fullChunk = full && first;
            long seq = fullChunk ? Math.max(s.seq + 1, System.currentTimeMillis() * 1000) : s.seq + 1;
            sendOne(server, seq, fullChunk, a, r);
            s.seq = seq;
            r.forEach(published::remove);
            published.addAll(a);
            first = false;
        } while (ai < add.size() || ri < remove.size());
        s.published = Set.copyOf(published);
        s.lastNanos = System.nanoTime();
        states.put(server, s);
    }

    /** The server answered with an error. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private void sendOne(PeerId server, long seq, boolean full, List<DirectoryEntry> add, List<DirectoryEntry> remove)
            throws IOException {
        DirectoryProto.DirectoryUpdate.Builder u = DirectoryProto.DirectoryUpdate.newBuilder()
                .setPublisherKey(ByteString.copyFrom(host.publicKey().marshal()))
                .setSeq(seq)
                .setFull(full)
                .setTimestampMs(System.currentTimeMillis());
        add.forEach(e -> u.addAdd(DirectoryWire.entry(e)));
        remove.forEach(e -> u.addRemove(DirectoryWire.entry(e)));
        host.advertisedAddresses().stream()
                .limit(DirectoryWire.MAX_ADDRESSES)
                .forEach(a -> u.addAddrs(ByteString.copyFrom(a.bytes())));
        byte[] body = u.build().toByteArray();
        DirectoryProto.DirectoryRequest request = DirectoryProto.DirectoryRequest.newBuilder()
                .setPublish(DirectoryProto.DirectoryPublish.newBuilder()
                        .setBody(ByteString.copyFrom(body))
                        .setSignature(ByteString.copyFrom(host.sign(DirectoryWire.signingBytes(body)))))
                .build();
        DirectoryProto.DirectoryResponse response = call(server, request);
        if (response.hasError()) {
            throw new Refused(response.getError().getReason());
        }
        if (!response.hasAck() || response.getAck().getSeq() != seq) {
            throw new ProtocolViolationException(server + " answered a publication with " + response.getKindCase());
        }
    }

    /**
     * Asks the servers in turn until one answers.
     *
     * @throws IOException if none could be asked (the caller falls back to other modes)
     */
    public List<FileHit> query(FileQuery query, int limit) throws IOException {
        if (servers.isEmpty()) {
            throw new IOException("no index server is configured");
        }
        DirectoryProto.DirectoryQuery.Builder q = DirectoryProto.DirectoryQuery.newBuilder()
                .addAllWords(query.words())
                .setType(query.type().name())
                .setMinSize(query.minSize())
                .setMaxSize(query.maxSize() == Long.MAX_VALUE ? 0 : query.maxSize())
                .setLimit(Math.min(limit, DirectoryWire.MAX_HITS));
        DirectoryProto.DirectoryRequest request =
                DirectoryProto.DirectoryRequest.newBuilder().setQuery(q).build();
        IOException last = null;
        for (PeerId server : servers) {
            try {
                DirectoryProto.DirectoryResponse response = call(server, request);
                if (!response.hasHits()) {
                    throw new ProtocolViolationException(server + " answered a query with " + response.getKindCase());
                }
                return hits(server, response.getHits(), limit);
            } catch (IOException e) {
                log.debug("directory: {} did not answer: {}", server.shortString(), e.toString());
                last = e;
            }
        }
        throw new IOException("no index server answered: " + (last == null ? "" : last.getMessage()), last);
    }

    private static List<FileHit> hits(PeerId server, DirectoryProto.DirectoryHits hits, int limit)
            throws ProtocolViolationException {
        if (hits.getHitsCount() > Math.min(limit, DirectoryWire.MAX_HITS)) {
            throw new ProtocolViolationException(
                    server + " sent " + hits.getHitsCount() + " hits; we asked for " + limit);
        }
        List<FileHit> out = new ArrayList<>();
        for (DirectoryProto.DirectoryHit h : hits.getHitsList()) {
            DirectoryEntry e = DirectoryWire.entry(h.getEntry());
            if (h.getAddrsCount() > DirectoryWire.MAX_ADDRESSES) {
                throw new ProtocolViolationException(server + " sent a hit with " + h.getAddrsCount() + " addresses");
            }
            try {
                PeerId provider = PeerId.fromBytes(h.getProvider().toByteArray());
                List<Multiaddr> addrs = new ArrayList<>();
                for (ByteString a : h.getAddrsList()) {
                    addrs.add(Multiaddr.fromBytes(a.toByteArray()));
                }
                out.add(new FileHit(e.root(), e.path(), e.size(), provider, addrs, SearchMode.SERVER));
            } catch (MultiformatException ex) {
                throw new ProtocolViolationException(server + " sent a bad hit: " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    private DirectoryProto.DirectoryResponse call(PeerId server, DirectoryProto.DirectoryRequest request)
            throws IOException {
        Stream stream = host.newStream(server, DirectoryWire.PROTOCOL_ID);
        try {
            stream.setReadTimeout(TIMEOUT);
            stream.setWriteTimeout(TIMEOUT);
            LengthPrefixed.write(stream.out(), request.toByteArray());
            stream.out().flush();
            stream.closeWrite();
            byte[] bytes = LengthPrefixed.readRequired(stream.in(), DirectoryWire.MAX_RESPONSE_BYTES);
            stream.close();
            try {
                return DirectoryProto.DirectoryResponse.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new ProtocolViolationException(
                        server + " sent a malformed directory response: " + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            stream.reset();
            throw e;
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.shutdownNow();
        }
    }
}
