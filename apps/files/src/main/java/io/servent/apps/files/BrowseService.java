package io.servent.apps.files;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.apps.files.proto.BrowseProto;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /servent/browse/1.0.0}: what a peer shares with us, and serving what we share with each
 * peer — only files in shares whose access list admits the requester (others are simply absent).
 * One page per stream (see {@code browse.proto}); pages are bounded in entries and bytes, requests
 * in bytes and rate per peer, and the client checks every page (sizes, CIDs, increasing cursors)
 * and caps the whole listing.
 *
 * <p>Thread-safe.
 */
public final class BrowseService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrowseService.class);

    public static final String PROTOCOL_ID = "/servent/browse/1.0.0";

    /** A request is two small varint fields. */
    static final int MAX_REQUEST_BYTES = 32;
    /** A page holds at most this many entries… */
    public static final int MAX_PAGE_ENTRIES = 500;
    /** …and at most this many bytes. */
    static final int MAX_RESPONSE_BYTES = 512 * 1024;
    /** Longest path an entry may carry. */
    static final int MAX_PATH_BYTES = 4096;
    /** {@link #browse(PeerId)} stops after this many entries. */
    public static final int MAX_ENTRIES = 100_000;

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    /** Pages per peer per second, and the burst allowed. */
    static final double PAGES_PER_SECOND = 20;

    static final double BURST = 40;
    private static final int MAX_TRACKED_PEERS = 10_000;

    private final Host host;
    private final ShareIndex index;
    private final Map<PeerId, Bucket> buckets = new ConcurrentHashMap<>();

    private final double pagesPerSecond;
    private final double burst;

    public BrowseService(Host host, ShareIndex index) {
        this(host, index, PAGES_PER_SECOND, BURST);
    }

    /** With another per-peer rate limit (tests). */
    BrowseService(Host host, ShareIndex index, double pagesPerSecond, double burst) {
        this.host = host;
        this.index = index;
        this.pagesPerSecond = pagesPerSecond;
        this.burst = burst;
        host.setStreamHandler(PROTOCOL_ID, this::serve);
    }

    /** Everything {@code peer} shares with us (up to {@link #MAX_ENTRIES}), page by page. */
    public List<BrowseEntry> browse(PeerId peer) throws IOException {
        List<BrowseEntry> all = new ArrayList<>();
        long after = 0;
        while (all.size() < MAX_ENTRIES) {
            BrowsePage page = page(peer, after, Math.min(MAX_PAGE_ENTRIES, MAX_ENTRIES - all.size()));
            all.addAll(page.entries());
            if (!page.more() || page.entries().isEmpty()) {
                break;
            }
            after = page.entries().get(page.entries().size() - 1).id();
        }
        return all;
    }

    /** One page: entries after cursor {@code after}, at most {@code limit}. */
    public BrowsePage page(PeerId peer, long after, int limit) throws IOException {
        if (limit < 1 || limit > MAX_PAGE_ENTRIES) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_PAGE_ENTRIES + ", not " + limit);
        }
        Stream stream = host.newStream(peer, PROTOCOL_ID);
        try {
            stream.setReadTimeout(RESPONSE_TIMEOUT);
            BrowseProto.BrowseRequest request = BrowseProto.BrowseRequest.newBuilder()
                    .setAfter(after)
                    .setLimit(limit)
                    .build();
            LengthPrefixed.write(stream.out(), request.toByteArray());
            stream.out().flush();
            stream.closeWrite();
            byte[] bytes = LengthPrefixed.readRequired(stream.in(), MAX_RESPONSE_BYTES);
            BrowsePage page = parsePage(peer, bytes, after, limit);
            stream.close();
            return page;
        } catch (IOException | RuntimeException e) {
            stream.reset();
            throw e;
        }
    }

    private static BrowsePage parsePage(PeerId peer, byte[] bytes, long after, int limit)
            throws ProtocolViolationException {
        BrowseProto.BrowseResponse response;
        try {
            response = BrowseProto.BrowseResponse.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException(peer + " sent a malformed browse page: " + e.getMessage(), e);
        }
        if (response.getEntriesCount() > limit) {
            throw new ProtocolViolationException(
                    peer + " sent " + response.getEntriesCount() + " browse entries; we asked for " + limit);
        }
        List<BrowseEntry> entries = new ArrayList<>(response.getEntriesCount());
        long last = after;
        for (BrowseProto.BrowseEntry e : response.getEntriesList()) {
            if (Long.compareUnsigned(e.getId(), last) <= 0 || e.getId() < 0) {
                throw new ProtocolViolationException(
                        peer + " sent browse entry id " + Long.toUnsignedString(e.getId()) + " after " + last);
            }
            last = e.getId();
            if (e.getSize() < 0) {
                throw new ProtocolViolationException(peer + " sent a browse entry of negative size");
            }
            byte[] path = e.getPathBytes().toByteArray();
            if (path.length == 0 || path.length > MAX_PATH_BYTES) {
                throw new ProtocolViolationException(
                        peer + " sent a browse path of " + path.length + " bytes (1 to " + MAX_PATH_BYTES + ")");
            }
            Cid root;
            try {
                root = Cid.fromBytes(e.getRoot().toByteArray());
            } catch (MultiformatException ex) {
                throw new ProtocolViolationException(
                        peer + " sent a browse entry with a bad CID: " + ex.getMessage(), ex);
            }
            entries.add(new BrowseEntry(e.getId(), root, e.getPath(), e.getSize(), e.getMtimeMs()));
        }
        return new BrowsePage(entries, response.getMore());
    }

    private void serve(Stream stream) throws IOException {
        PeerId peer = stream.remotePeer();
        try {
            stream.setReadTimeout(REQUEST_TIMEOUT);
            byte[] bytes = LengthPrefixed.readRequired(stream.in(), MAX_REQUEST_BYTES);
            BrowseProto.BrowseRequest request;
            try {
                request = BrowseProto.BrowseRequest.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new ProtocolViolationException("malformed browse request: " + e.getMessage(), e);
            }
            if (request.getAfter() < 0) {
                throw new ProtocolViolationException(
                        "browse cursor " + Long.toUnsignedString(request.getAfter()) + " is out of range");
            }
            if (!admit(peer)) {
                log.debug("browse: {} asks faster than {} pages/s; refused", peer, pagesPerSecond);
                stream.reset();
                return;
            }
            int limit = request.getLimit() == 0 ? MAX_PAGE_ENTRIES : Math.min(request.getLimit(), MAX_PAGE_ENTRIES);
            List<SharedFile> files = index.browse(peer, request.getAfter(), limit);
            BrowseProto.BrowseResponse.Builder response = BrowseProto.BrowseResponse.newBuilder();
            int size = 0;
            boolean full = false;
            for (SharedFile file : files) {
                String path = file.displayPath();
                if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
                    continue; // unrepresentable; the client would reject the page
                }
                BrowseProto.BrowseEntry entry = BrowseProto.BrowseEntry.newBuilder()
                        .setId(file.id())
                        .setRoot(ByteString.copyFrom(file.root().bytes()))
                        .setPath(path)
                        .setSize(file.size())
                        .setMtimeMs(file.mtimeMillis())
                        .build();
                int entrySize = entry.getSerializedSize() + 8;
                if (size + entrySize > MAX_RESPONSE_BYTES - 16) {
                    full = true;
                    break;
                }
                size += entrySize;
                response.addEntries(entry);
            }
            response.setMore(full || files.size() == limit);
            LengthPrefixed.write(stream.out(), response.build().toByteArray());
            stream.out().flush();
            stream.closeWrite();
        } catch (ProtocolViolationException e) {
            log.info("browse: rejected a request from {}: {}", peer, e.getMessage());
            stream.reset();
        }
    }

    /** A token bucket per peer; the map is cleared when it grows past its bound (a crude but safe cap). */
    private boolean admit(PeerId peer) {
        if (buckets.size() > MAX_TRACKED_PEERS) {
            buckets.clear();
        }
        return buckets.computeIfAbsent(peer, p -> new Bucket()).take(System.nanoTime());
    }

    private final class Bucket {
        private double tokens = burst;
        private long last = System.nanoTime();

        synchronized boolean take(long now) {
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * pagesPerSecond);
            last = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }

    @Override
    public void close() {
        host.removeStreamHandler(PROTOCOL_ID);
    }
}
