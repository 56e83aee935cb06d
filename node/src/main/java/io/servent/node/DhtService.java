package io.servent.node;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ResourceLimitException;
import io.servent.p2p.kad.InvalidRecordException;
import io.servent.p2p.kad.KadDht;
import io.servent.p2p.kad.KadPeer;
import io.servent.p2p.kad.KadSignedRecord;
import io.servent.p2p.kad.KadStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The DHT as the control API offers it: find a peer, provide content and find its providers, put and
 * get records (see {@link DhtKey} for what a key may be), and statistics. Checks input, bounds
 * requests and words failures for people. Thread-safe.
 */
public final class DhtService {
    public static final int MAX_PROVIDERS = 100;
    public static final int DEFAULT_PROVIDERS = 20;
    /** Largest value a {@code put} accepts (the DHT's own limit is larger; the API body is 64 KiB). */
    public static final int MAX_VALUE_BYTES = 16 * 1024;

    /** A peer and the addresses it can be dialed at (each with {@code /p2p/<peer>}). */
    public record FoundPeer(String peerId, List<String> addresses) {
        public FoundPeer {
            addresses = List.copyOf(addresses);
        }
    }

    /** {@code POST dht/provide}: how many DHT servers took the provider record. */
    public record ProvideResult(String cid, int peers) {}

    /** {@code GET dht/providers/{cid}}. */
    public record ProvidersResult(String cid, List<FoundPeer> providers) {
        public ProvidersResult {
            providers = List.copyOf(providers);
        }
    }

    /** {@code POST dht/put}: the full key, the sequence number signed, how many peers stored it. */
    public record PutResult(String key, long seq, int peers) {}

    /**
     * {@code GET dht/get/{key}}: the value ({@code encoding} says utf-8 or base64); for {@code /servent/}
     * records the signer and sequence number, for {@code /pk/} the peer whose key it is.
     */
    public record GetResult(
            String key,
            String value,
            String encoding,
            String peerId,
            @Nullable Long seq) {}

    /** {@code GET dht/stats}. */
    public record Stats(
            String mode,
            int routingTableSize,
            List<Integer> buckets,
            long networkSizeEstimate,
            int storedRecords,
            int providerEntries,
            int providedKeys,
            long lookups,
            long lookupRequests,
            double meanLookupHops,
            int maxLookupHops,
            double meanLookupMillis) {
        public Stats {
            buckets = List.copyOf(buckets);
        }
    }

    private final Host host;
    private final @Nullable KadDht dht;
    /** Sequence numbers of our signed records: wall-clock milliseconds, strictly increasing. */
    private final AtomicLong lastSeq = new AtomicLong();

    DhtService(Host host, @Nullable KadDht dht) {
        this.host = host;
        this.dht = dht;
    }

    private KadDht dht() throws NodeException {
        KadDht d = dht;
        if (d == null) {
            throw new NodeException(
                    NodeException.Kind.UNAVAILABLE, "the DHT is off on this node ([dht].enabled = false)");
        }
        return d;
    }

    public FoundPeer findPeer(String peerText) throws NodeException {
        PeerId peer = parsePeer(peerText);
        Optional<KadPeer> found;
        try {
            found = dht().findPeer(peer);
        } catch (IOException e) {
            throw failure("find " + peer, e);
        }
        if (found.isEmpty() || found.get().addresses().isEmpty()) {
            throw new NodeException(NodeException.Kind.NOT_FOUND, "no DHT peer knows an address of " + peer);
        }
        return describe(found.get());
    }

    public ProvideResult provide(String cidText) throws NodeException {
        Cid cid = parseCid(cidText);
        try {
            return new ProvideResult(cid.toString(), dht().provide(cid));
        } catch (IOException e) {
            throw failure("announce " + cid, e);
        }
    }

    public ProvidersResult providers(String cidText, int max) throws NodeException {
        if (max < 1 || max > MAX_PROVIDERS) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "max must be 1-" + MAX_PROVIDERS + ", not " + max);
        }
        Cid cid = parseCid(cidText);
        try {
            return new ProvidersResult(
                    cid.toString(),
                    dht().findProviders(cid, max).stream().map(this::describe).toList());
        } catch (IOException e) {
            throw failure("find providers of " + cid, e);
        }
    }

    /** Signs {@code value} under this node's key {@code keyText} and stores it in the DHT. */
    public PutResult put(String keyText, String value) throws NodeException {
        DhtKey key = DhtKey.parse(keyText, host.peerId());
        if (!key.signed()) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT,
                    "/pk/ records are public keys, which every node publishes itself; put /servent/NAME instead");
        }
        if (!key.signer().equals(host.peerId())) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT,
                    key + " belongs to " + key.signer()
                            + ": only that peer can write it; this node writes /servent/NAME");
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_VALUE_BYTES) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT,
                    "a value of " + bytes.length + " bytes is over the limit of " + MAX_VALUE_BYTES);
        }
        KadDht d = dht();
        long seq = lastSeq.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis()));
        byte[] record = KadSignedRecord.create(key.bytes(), seq, bytes, host.publicKey(), host::sign);
        try {
            return new PutResult(key.text(), seq, d.putValue(key.bytes(), record));
        } catch (IOException e) {
            throw failure("put " + key, e);
        }
    }

    public GetResult get(String keyText) throws NodeException {
        DhtKey key = DhtKey.parse(keyText, host.peerId());
        Optional<byte[]> found;
        try {
            found = dht().getValue(key.bytes());
        } catch (IOException e) {
            throw failure("get " + key, e);
        }
        if (found.isEmpty()) {
            throw new NodeException(NodeException.Kind.NOT_FOUND, "no value found for " + key);
        }
        if (!key.signed()) {
            EncodedBytes v = EncodedBytes.of(found.get());
            return new GetResult(
                    key.text(), v.data(), v.encoding(), key.signer().toString(), null);
        }
        KadSignedRecord.Decoded record;
        try {
            record = KadSignedRecord.decode(key.bytes(), found.get());
        } catch (InvalidRecordException e) {
            // The DHT validated it already; a failure here is a bug, not the caller's problem.
            throw new IllegalStateException("a validated record does not decode: " + e.getMessage(), e);
        }
        EncodedBytes v = EncodedBytes.of(record.value());
        return new GetResult(key.text(), v.data(), v.encoding(), record.signer().toString(), record.seq());
    }

    public Stats stats() throws NodeException {
        KadStats s = dht().stats();
        return new Stats(
                NetworkServices.lower(s.mode()),
                s.routingTableSize(),
                s.bucketSizes(),
                s.networkSizeEstimate(),
                s.storedRecords(),
                s.providerEntries(),
                s.providedKeys(),
                s.lookups(),
                s.lookupRequests(),
                s.meanLookupHops(),
                s.maxLookupHops(),
                s.meanLookupMillis());
    }

    private FoundPeer describe(KadPeer peer) {
        return new FoundPeer(
                peer.id().toString(),
                peer.addresses().stream()
                        .map(a -> withPeer(a, peer.id()))
                        .distinct()
                        .toList());
    }

    private static String withPeer(Multiaddr address, PeerId peer) {
        return (address.peerId().isPresent() ? address : address.withPeerId(peer)).toString();
    }

    private PeerId parsePeer(String text) throws NodeException {
        PeerId peer;
        try {
            peer = PeerId.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT, "'" + abbreviate(text) + "' is not a PeerId: " + e.getMessage());
        }
        if (peer.equals(host.peerId())) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, peer + " is this node itself");
        }
        return peer;
    }

    private static Cid parseCid(String text) throws NodeException {
        try {
            return Cid.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT,
                    "'" + abbreviate(text) + "' is not a CID (e.g. bafkrei… or Qm…): " + e.getMessage());
        }
    }

    /** Record problems are the caller's; limits are this node's; the rest are network failures. */
    private static NodeException failure(String what, IOException e) {
        if (e instanceof InvalidRecordException) {
            return new NodeException(NodeException.Kind.BAD_INPUT, "cannot " + what + ": " + e.getMessage(), e);
        }
        if (e instanceof ResourceLimitException) {
            return new NodeException(NodeException.Kind.UNAVAILABLE, "cannot " + what + ": " + e.getMessage(), e);
        }
        return NodeService.failure(what, e);
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "…";
    }
}
