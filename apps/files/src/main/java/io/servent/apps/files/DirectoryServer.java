package io.servent.apps.files;

import com.google.protobuf.ByteString;
import io.servent.apps.files.proto.DirectoryProto;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An index server (Napster's role, for a node with {@code files.indexServer = true}): serves {@code
 * /servent/directory/1.0.0}, accepting signed, incremental share-list publications and answering
 * queries with providers and their addresses. Downloads still go peer to peer. The index lives in
 * memory: publishers re-publish within the TTL, so a restarted server fills up again by itself.
 *
 * <p>Thread-safe: the index is guarded by one lock held only for in-memory work.
 */
public final class DirectoryServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DirectoryServer.class);

    public static final String PROTOCOL_ID = DirectoryWire.PROTOCOL_ID;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Host host;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final DirectoryIndex index;
    private final SearchRateLimiter limiter;

    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong queries = new AtomicLong();

    public DirectoryServer(Host host, DirectoryConfig config) {
        this(host, config, InstantSource.system());
    }

    DirectoryServer(Host host, DirectoryConfig config, InstantSource clock) {
        this.host = host;
        this.clock = clock;
        this.index = new DirectoryIndex(config);
        this.limiter = new SearchRateLimiter(config.requestsPerSecond(), config.requestsPerSecond() * 5);
        host.setStreamHandler(PROTOCOL_ID, this::serve);
    }

    /** Publishers and entries held now. */
    public record Stats(int publishers, int entries, long accepted, long refused, long queries) {}

    public Stats stats() {
        lock.lock();
        try {
            index.expire(clock.millis());
            return new Stats(index.publishers(), index.entries(), accepted.get(), refused.get(), queries.get());
        } finally {
            lock.unlock();
        }
    }

    int entries(PeerId publisher) {
        lock.lock();
        try {
            return index.entries(publisher);
        } finally {
            lock.unlock();
        }
    }

    private void serve(Stream stream) throws IOException {
        PeerId peer = stream.remotePeer();
        DirectoryProto.DirectoryResponse response;
        try {
            stream.setReadTimeout(REQUEST_TIMEOUT);
            byte[] bytes = LengthPrefixed.readRequired(stream.in(), DirectoryWire.MAX_REQUEST_BYTES);
            if (!limiter.tryAcquire(peer, System.nanoTime())) {
                log.debug("directory: {} asks too fast; refused", peer);
                stream.reset();
                return;
            }
            DirectoryProto.DirectoryRequest request = DirectoryWire.parseRequest(bytes);
            response = request.hasPublish() ? publish(peer, request.getPublish()) : query(peer, request.getQuery());
        } catch (ProtocolViolationException e) {
            refused.incrementAndGet();
            log.info("directory: rejected a request from {}: {}", peer, e.getMessage());
            stream.reset();
            return;
        }
        LengthPrefixed.write(stream.out(), response.toByteArray());
        stream.out().flush();
        stream.closeWrite();
    }

    private DirectoryProto.DirectoryResponse publish(PeerId peer, DirectoryProto.DirectoryPublish publish)
            throws ProtocolViolationException {
        DirectoryWire.Update u = DirectoryWire.verify(publish);
        if (!u.publisher().equals(peer)) {
            // Signed, but relayed: only the publisher itself may publish (it is also who we hand out).
            throw new ProtocolViolationException("a share list signed by " + u.publisher() + " arrived from " + peer);
        }
        lock.lock();
        try {
            int entries = index.apply(u, clock.millis());
            accepted.incrementAndGet();
            return DirectoryProto.DirectoryResponse.newBuilder()
                    .setAck(DirectoryProto.DirectoryAck.newBuilder()
                            .setSeq(u.seq())
                            .setEntries(entries))
                    .build();
        } catch (DirectoryIndex.Rejected e) {
            refused.incrementAndGet();
            log.info("directory: refused a share list from {}: {}", peer, e.getMessage());
            return DirectoryProto.DirectoryResponse.newBuilder()
                    .setError(DirectoryProto.DirectoryError.newBuilder()
                            .setReason(e.getMessage())
                            .setExpectedSeq(e.expectedSeq))
                    .build();
        } finally {
            lock.unlock();
        }
    }

    private DirectoryProto.DirectoryResponse query(PeerId peer, DirectoryProto.DirectoryQuery q)
            throws ProtocolViolationException {
        FileQuery query = SearchWire.query(q.getWordsList(), q.getType(), q.getMinSize(), q.getMaxSize());
        int limit = q.getLimit() == 0 ? DirectoryWire.MAX_HITS : Math.min(q.getLimit(), DirectoryWire.MAX_HITS);
        queries.incrementAndGet();
        List<DirectoryIndex.Hit> hits;
        lock.lock();
        try {
            hits = index.query(query, limit, peer, clock.millis());
        } finally {
            lock.unlock();
        }
        DirectoryProto.DirectoryHits.Builder out = DirectoryProto.DirectoryHits.newBuilder();
        int size = 0;
        for (DirectoryIndex.Hit h : hits) {
            DirectoryProto.DirectoryHit.Builder b = DirectoryProto.DirectoryHit.newBuilder()
                    .setEntry(DirectoryWire.entry(h.entry()))
                    .setProvider(ByteString.copyFrom(h.provider().bytes()));
            for (Multiaddr a : h.addrs()) {
                b.addAddrs(ByteString.copyFrom(a.bytes()));
            }
            DirectoryProto.DirectoryHit hit = b.build();
            size += hit.getSerializedSize() + 8;
            if (size > DirectoryWire.MAX_RESPONSE_BYTES - 64) {
                break;
            }
            out.addHits(hit);
        }
        return DirectoryProto.DirectoryResponse.newBuilder().setHits(out).build();
    }

    @Override
    public void close() {
        host.removeStreamHandler(PROTOCOL_ID);
    }
}
