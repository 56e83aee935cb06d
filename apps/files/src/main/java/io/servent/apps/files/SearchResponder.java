package io.servent.apps.files;

import io.servent.apps.files.proto.SearchProto;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /servent/search/1.0.0}: reads one query, drops it if its id was seen or the peer asks
 * too fast, answers from the local share index, and — on a super-peer — passes it on through the
 * {@link Forwarder} and relays the hits back on the same stream (the reverse path).
 *
 * <p>Access lists: a query straight from its originator ({@code hops == 0}) is answered with what
 * that peer may see. A relayed query names no one we can verify, so it is answered only with files
 * shared with everyone; an access-listed file therefore reaches only an allowed peer that asks us
 * directly (as the DHT mode does), never a stranger through a relay.
 *
 * <p>Thread-safe; one handler thread per inbound stream.
 */
public final class SearchResponder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SearchResponder.class);

    public static final String PROTOCOL_ID = SearchWire.PROTOCOL_ID;

    /** Queries per peer per second, and the burst allowed (a super-peer's neighbours forward many). */
    public static final double QUERIES_PER_SECOND = 20;

    public static final double QUERY_BURST = 60;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Local hits per query. */
    static final int MAX_LOCAL_HITS = 100;

    /**
     * A peer id no one holds (a sha2-256 id of a fixed string: finding its key means inverting
     * SHA-256): answering "for" it gives exactly the files shared with everyone.
     */
    static final PeerId ANONYMOUS =
            PeerId.fromBytes(Multihash.sha256("servent anonymous requester".getBytes(StandardCharsets.UTF_8))
                    .bytes());

    /** Passes a query on (a super-peer's flooding); hits go to {@code relay}, possibly from several threads. */
    interface Forwarder {
        void forward(SearchWire.Request request, PeerId from, HitRelay relay, long deadlineNanos);
    }

    /** Receives relayed hits (signatures checked); false once no more are wanted. */
    interface HitRelay {
        boolean relay(SearchWire.SignedHit hit);
    }

    private final Host host;
    private final ShareIndex index;
    private final SearchRateLimiter limiter;
    private final FloodGuidCache guids =
            new FloodGuidCache(10_000, Duration.ofMinutes(5).toNanos());
    private volatile @Nullable Forwarder forwarder;

    final AtomicLong received = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong hitsRelayed = new AtomicLong();

    public SearchResponder(Host host, ShareIndex index) {
        this(host, index, QUERIES_PER_SECOND, QUERY_BURST);
    }

    /** With another per-peer rate limit. */
    public SearchResponder(Host host, ShareIndex index, double queriesPerSecond, double burst) {
        this.host = host;
        this.index = index;
        this.limiter = new SearchRateLimiter(queriesPerSecond, burst);
        host.setStreamHandler(PROTOCOL_ID, this::serve);
    }

    void setForwarder(@Nullable Forwarder value) {
        forwarder = value;
    }

    /** Records a query id this node originates, so it is dropped when it comes back. */
    boolean firstSeen(byte[] guid) {
        return guids.firstSeen(guid, System.nanoTime());
    }

    Host host() {
        return host;
    }

    private void serve(Stream stream) throws IOException {
        PeerId peer = stream.remotePeer();
        SearchWire.Request request;
        try {
            stream.setReadTimeout(REQUEST_TIMEOUT);
            request = SearchWire.decodeRequest(LengthPrefixed.readRequired(stream.in(), SearchWire.MAX_REQUEST_BYTES));
        } catch (ProtocolViolationException e) {
            rejected.incrementAndGet();
            log.info("search: rejected a query from {}: {}", peer, e.getMessage());
            stream.reset();
            return;
        }
        received.incrementAndGet();
        if (!limiter.tryAcquire(peer, System.nanoTime())) {
            rateLimited.incrementAndGet();
            log.debug("search: {} queries faster than allowed; refused", peer);
            stream.reset();
            return;
        }
        if (!guids.firstSeen(request.guid(), System.nanoTime())) {
            duplicates.incrementAndGet();
            stream.closeWrite(); // nothing: we have seen this query already
            return;
        }
        Sink sink = new Sink(stream, request.maxHits());
        try {
            PeerId requester = request.hops() == 0 ? peer : ANONYMOUS;
            List<SharedFile> files =
                    index.search(request.query(), requester, Math.min(MAX_LOCAL_HITS, request.maxHits()));
            List<Multiaddr> addrs = host.advertisedAddresses().stream()
                    .limit(SearchWire.MAX_ADDRESSES)
                    .toList();
            for (SharedFile f : files) {
                String name = f.displayPath();
                if (SearchWire.representable(name)) {
                    sink.add(SearchWire.encodeOwnHit(host, request.guid(), f.root(), name, f.size(), addrs));
                }
            }
            if (!files.isEmpty()) {
                answered.incrementAndGet();
            }
            sink.flush();
            Forwarder f = forwarder;
            if (f != null && request.ttl() >= 1 && !sink.full()) {
                f.forward(
                        request,
                        peer,
                        signed -> {
                            if (signed.hit().provider().equals(peer)) {
                                return !sink.full(); // its own files: it knows them
                            }
                            hitsRelayed.incrementAndGet();
                            return sink.add(SearchWire.encodeHit(signed));
                        },
                        System.nanoTime()
                                + FloodService.forwardTimeout(request.ttl()).toNanos());
            }
            sink.flush();
            stream.closeWrite();
        } catch (IOException e) {
            log.debug("search: answering {} failed: {}", peer, e.toString());
            stream.reset();
        }
    }

    /** Hits written in batches under a lock (relays come from several threads), bounded per stream. */
    private static final class Sink {
        private final Stream stream;
        private final int max;
        private final ReentrantLock lock = new ReentrantLock();
        private final SearchProto.SearchResponse.Builder batch = SearchProto.SearchResponse.newBuilder();
        private int batchBytes;
        private int sent;
        private boolean broken;

        Sink(Stream stream, int max) {
            this.stream = stream;
            this.max = max;
        }

        boolean full() {
            lock.lock();
            try {
                return broken || sent >= max;
            } finally {
                lock.unlock();
            }
        }

        /** Queues a hit; false once the stream has all it may carry. */
        boolean add(SearchProto.SearchHit hit) {
            lock.lock();
            try {
                if (broken || sent >= max) {
                    return false;
                }
                int size = hit.getSerializedSize() + 8;
                if (batch.getHitsCount() >= SearchWire.MAX_HITS_PER_RESPONSE
                        || batchBytes + size > SearchWire.MAX_RESPONSE_BYTES - 64) {
                    write();
                }
                batch.addHits(hit);
                batchBytes += size;
                sent++;
                return sent < max;
            } finally {
                lock.unlock();
            }
        }

        void flush() {
            lock.lock();
            try {
                write();
            } finally {
                lock.unlock();
            }
        }

        private void write() {
            if (batch.getHitsCount() == 0 || broken) {
                return;
            }
            try {
                LengthPrefixed.write(stream.out(), batch.build().toByteArray());
                stream.out().flush();
            } catch (IOException e) {
                broken = true; // the asker went away; relays stop at the next add
            }
            batch.clear();
            batchBytes = 0;
        }
    }

    /** Counters of this node's search protocol, with the flooding ones of {@code flood} if given. */
    public FloodStats stats(@Nullable FloodService flood) {
        return new FloodStats(
                received.get(),
                duplicates.get(),
                rateLimited.get(),
                rejected.get(),
                answered.get(),
                flood == null ? 0 : flood.forwardedToLeaves.get(),
                flood == null ? 0 : flood.suppressedByQrp.get(),
                flood == null ? 0 : flood.forwardedToSuperPeers.get(),
                hitsRelayed.get());
    }

    @Override
    public void close() {
        host.removeStreamHandler(PROTOCOL_ID);
    }
}
