package io.servent.apps.files;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.apps.files.proto.SearchProto;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code /servent/search/1.0.0} messages and their bounds (see {@code search.proto}): encoding,
 * and strict decoding into checked values. Sans-I/O, stateless, thread-safe.
 */
final class SearchWire {
    static final String PROTOCOL_ID = "/servent/search/1.0.0";

    static final int GUID_LENGTH = 16;
    /** 8 words of 64 characters of up to 4 UTF-8 bytes, and the small fields. */
    static final int MAX_REQUEST_BYTES = 4096;
    /** One response batch. */
    static final int MAX_RESPONSE_BYTES = 256 * 1024;

    static final int MAX_HITS_PER_RESPONSE = 100;
    /** All the hits one stream may carry (a super-peer relays its leaves' and neighbours' too). */
    static final int MAX_HITS_PER_STREAM = 1000;

    static final int MAX_NAME_BYTES = 1024;
    static final int MAX_ADDRESSES = 8;
    /** A TTL above this is clamped: a query never travels further (Gnutella's limit was 7; ours is smaller). */
    static final int MAX_TTL = 4;
    /** Hops beyond this mean a loop or a lie; the query is dropped. */
    static final int MAX_HOPS = 8;

    private SearchWire() {}

    /** A decoded, checked query. */
    record Request(byte[] guid, FileQuery query, int ttl, int hops, int maxHits) {}

    static byte[] encodeRequest(byte[] guid, FileQuery query, int ttl, int hops, int maxHits) {
        return SearchProto.SearchRequest.newBuilder()
                .setGuid(ByteString.copyFrom(guid))
                .addAllWords(query.words())
                .setType(query.type().name())
                .setMinSize(query.minSize())
                .setMaxSize(query.maxSize() == Long.MAX_VALUE ? 0 : query.maxSize())
                .setTtl(ttl)
                .setHops(hops)
                .setMaxHits(maxHits)
                .build()
                .toByteArray();
    }

    static Request decodeRequest(byte[] bytes) throws ProtocolViolationException {
        SearchProto.SearchRequest r;
        try {
            r = SearchProto.SearchRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed search request: " + e.getMessage(), e);
        }
        if (r.getGuid().size() != GUID_LENGTH) {
            throw new ProtocolViolationException(
                    "search request guid of " + r.getGuid().size() + " bytes; it must be " + GUID_LENGTH);
        }
        if (r.getHops() > MAX_HOPS) {
            throw new ProtocolViolationException(
                    "search request has travelled " + r.getHops() + " hops (max " + MAX_HOPS + ")");
        }
        FileQuery query = query(r.getWordsList(), r.getType(), r.getMinSize(), r.getMaxSize());
        int ttl = (int) Math.min(Integer.toUnsignedLong(r.getTtl()), MAX_TTL);
        int maxHits = r.getMaxHits() == 0 || Integer.toUnsignedLong(r.getMaxHits()) > MAX_HITS_PER_STREAM
                ? MAX_HITS_PER_STREAM
                : r.getMaxHits();
        return new Request(r.getGuid().toByteArray(), query, ttl, r.getHops(), maxHits);
    }

    /** A FileQuery from wire fields, or a protocol violation saying what is wrong. */
    static FileQuery query(List<String> words, String type, long minSize, long maxSize)
            throws ProtocolViolationException {
        if (words.size() > FileQuery.MAX_WORDS) {
            throw new ProtocolViolationException(
                    "query of " + words.size() + " words (max " + FileQuery.MAX_WORDS + ")");
        }
        FileType fileType;
        try {
            fileType = type.isEmpty() ? FileType.ANY : FileType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolationException("unknown file type '" + truncate(type) + "'");
        }
        long max = maxSize == 0 ? Long.MAX_VALUE : maxSize;
        if (minSize < 0 || max < 0) {
            throw new ProtocolViolationException("query size bound beyond 2^63");
        }
        try {
            return new FileQuery(words, fileType, minSize, max);
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolationException("invalid query: " + e.getMessage());
        }
    }

    /** A checked hit with its provider's signature, kept so a super-peer can relay it unchanged. */
    record SignedHit(FileHit hit, ByteString signature) {}

    private static final byte[] HIT_DOMAIN = "servent-search-hit:".getBytes(StandardCharsets.UTF_8);

    /**
     * What a provider signs for one hit: a domain string, the query's id, then the root CID, the size
     * and the name (each length-prefixed or fixed-width, so no two hits share the same bytes). The
     * query id binds the hit to one query, so it cannot be replayed into another.
     */
    static byte[] hitSigningBytes(byte[] guid, Cid root, long size, String name) {
        byte[] rootBytes = root.bytes();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(
                        HIT_DOMAIN.length + 4 + guid.length + 4 + rootBytes.length + 8 + 4 + nameBytes.length)
                .put(HIT_DOMAIN)
                .putInt(guid.length)
                .put(guid)
                .putInt(rootBytes.length)
                .put(rootBytes)
                .putLong(size)
                .putInt(nameBytes.length)
                .put(nameBytes)
                .array();
    }

    /** One of this node's own files as a hit for query {@code guid}, signed with {@code host}'s key. */
    static SearchProto.SearchHit encodeOwnHit(
            io.servent.p2p.api.Host host, byte[] guid, Cid root, String name, long size, List<Multiaddr> addrs) {
        byte[] signature = host.sign(hitSigningBytes(guid, root, size, name));
        return encodeHit(root, name, size, host.peerId(), addrs, ByteString.copyFrom(signature));
    }

    /** A hit as it was received (a relay passes the provider's signature on). */
    static SearchProto.SearchHit encodeHit(SignedHit signed) {
        FileHit h = signed.hit();
        return encodeHit(h.root(), h.name(), h.size(), h.provider(), h.addresses(), signed.signature());
    }

    static SearchProto.SearchHit encodeHit(
            Cid root, String name, long size, PeerId provider, List<Multiaddr> addrs, ByteString signature) {
        SearchProto.SearchHit.Builder b = SearchProto.SearchHit.newBuilder()
                .setRoot(ByteString.copyFrom(root.bytes()))
                .setName(name)
                .setSize(size)
                .setProvider(ByteString.copyFrom(provider.bytes()))
                .setSignature(signature);
        addrs.stream().limit(MAX_ADDRESSES).forEach(a -> b.addAddrs(ByteString.copyFrom(a.bytes())));
        return b.build();
    }

    /** Whether a local name can go on the wire at all. */
    static boolean representable(String name) {
        int n = name.getBytes(StandardCharsets.UTF_8).length;
        return n > 0 && n <= MAX_NAME_BYTES;
    }

    static List<SearchProto.SearchHit> decodeResponse(byte[] bytes, PeerId from) throws ProtocolViolationException {
        SearchProto.SearchResponse r;
        try {
            r = SearchProto.SearchResponse.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException(from + " sent a malformed search response: " + e.getMessage(), e);
        }
        if (r.getHitsCount() > MAX_HITS_PER_RESPONSE) {
            throw new ProtocolViolationException(
                    from + " sent " + r.getHitsCount() + " hits in one response (max " + MAX_HITS_PER_RESPONSE + ")");
        }
        return r.getHitsList();
    }

    /**
     * A wire hit for query {@code guid} as a checked {@link FileHit}, its signature verified against
     * the provider's key (inlined in its PeerId). A bad signature is {@code from}'s fault whoever it
     * names: an honest relay checks every hit before passing it on.
     */
    static SignedHit hit(SearchProto.SearchHit h, SearchMode mode, PeerId from, byte[] guid)
            throws ProtocolViolationException {
        FileHit hit = hit(h, mode, from);
        if (h.getSignature().size() != SIGNATURE_LENGTH) {
            throw new ProtocolViolationException(from + " sent a hit for " + hit.root() + " without its provider's "
                    + SIGNATURE_LENGTH + "-byte signature (" + h.getSignature().size() + " bytes)");
        }
        byte[] signed = hitSigningBytes(guid, hit.root(), hit.size(), hit.name());
        boolean valid = hit.provider()
                .publicKey()
                .map(key -> key.verify(signed, h.getSignature().toByteArray()))
                .orElse(false);
        if (!valid) {
            throw new ProtocolViolationException(from + " sent a hit for " + hit.root() + " that its provider "
                    + hit.provider() + " did not sign for this query");
        }
        return new SignedHit(hit, h.getSignature());
    }

    /** Ed25519 signatures: the only key type whose PeerIds inline the key a hit is checked against. */
    static final int SIGNATURE_LENGTH = 64;

    /** A wire hit as a checked {@link FileHit}, its signature not checked. */
    static FileHit hit(SearchProto.SearchHit h, SearchMode mode, PeerId from) throws ProtocolViolationException {
        try {
            Cid root = Cid.fromBytes(h.getRoot().toByteArray());
            if (h.getName().isEmpty() || h.getNameBytes().size() > MAX_NAME_BYTES) {
                throw new ProtocolViolationException(
                        "hit name of " + h.getNameBytes().size() + " bytes (1 to " + MAX_NAME_BYTES + ")");
            }
            if (h.getSize() < 0) {
                throw new ProtocolViolationException("hit size beyond 2^63");
            }
            if (h.getAddrsCount() > MAX_ADDRESSES) {
                throw new ProtocolViolationException(
                        "hit with " + h.getAddrsCount() + " addresses (max " + MAX_ADDRESSES + ")");
            }
            PeerId provider = PeerId.fromBytes(h.getProvider().toByteArray());
            List<Multiaddr> addrs = new ArrayList<>(h.getAddrsCount());
            for (ByteString a : h.getAddrsList()) {
                addrs.add(Multiaddr.fromBytes(a.toByteArray()));
            }
            return new FileHit(root, h.getName(), h.getSize(), provider, addrs, mode);
        } catch (MultiformatException e) {
            throw new ProtocolViolationException(from + " sent a bad search hit: " + e.getMessage(), e);
        } catch (ProtocolViolationException e) {
            throw new ProtocolViolationException(from + " sent a bad search hit: " + e.getMessage(), e);
        }
    }

    private static String truncate(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "…" : s;
    }
}
