package io.servent.apps.files;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.apps.files.proto.DirectoryProto;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code /servent/directory/1.0.0} messages (see {@code directory.proto}), their bounds, and
 * signature checking of publications. Sans-I/O, stateless, thread-safe.
 */
final class DirectoryWire {
    static final String PROTOCOL_ID = "/servent/directory/1.0.0";
    /** Signatures cover this prefix and the body, so they cannot be replayed in another protocol. */
    static final byte[] SIGNING_PREFIX = "servent-directory/1:".getBytes(StandardCharsets.UTF_8);

    static final int MAX_REQUEST_BYTES = 1 << 20;
    static final int MAX_RESPONSE_BYTES = 1 << 20;
    static final int MAX_ENTRIES_PER_UPDATE = 2000;
    static final int MAX_PATH_BYTES = 1024;
    static final int MAX_ADDRESSES = 8;
    static final int MAX_HITS = 500;

    private DirectoryWire() {}

    /** A verified publication. */
    record Update(
            PeerId publisher,
            long seq,
            boolean full,
            List<DirectoryEntry> add,
            List<DirectoryEntry> remove,
            List<Multiaddr> addrs,
            long timestampMillis) {}

    static byte[] signingBytes(byte[] body) {
        byte[] out = new byte[SIGNING_PREFIX.length + body.length];
        System.arraycopy(SIGNING_PREFIX, 0, out, 0, SIGNING_PREFIX.length);
        System.arraycopy(body, 0, out, SIGNING_PREFIX.length, body.length);
        return out;
    }

    static DirectoryProto.DirectoryEntry entry(DirectoryEntry e) {
        return DirectoryProto.DirectoryEntry.newBuilder()
                .setRoot(ByteString.copyFrom(e.root().bytes()))
                .setPath(e.path())
                .setSize(e.size())
                .build();
    }

    static DirectoryProto.DirectoryRequest parseRequest(byte[] bytes) throws ProtocolViolationException {
        try {
            DirectoryProto.DirectoryRequest r = DirectoryProto.DirectoryRequest.parseFrom(bytes);
            if (r.getKindCase() == DirectoryProto.DirectoryRequest.KindCase.KIND_NOT_SET) {
                throw new ProtocolViolationException("empty directory request");
            }
            return r;
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed directory request: " + e.getMessage(), e);
        }
    }

    /** Checks the signature over the exact body bytes, then the body. */
    static Update verify(DirectoryProto.DirectoryPublish publish) throws ProtocolViolationException {
        byte[] body = publish.getBody().toByteArray();
        DirectoryProto.DirectoryUpdate u;
        try {
            u = DirectoryProto.DirectoryUpdate.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed directory update: " + e.getMessage(), e);
        }
        PublicKey key;
        try {
            key = PublicKey.unmarshal(u.getPublisherKey().toByteArray());
        } catch (MultiformatException e) {
            throw new ProtocolViolationException("directory update with a bad publisher key: " + e.getMessage(), e);
        }
        if (!key.verify(signingBytes(body), publish.getSignature().toByteArray())) {
            throw new ProtocolViolationException("directory update signature does not verify for " + key.peerId());
        }
        if (u.getAddCount() + u.getRemoveCount() > MAX_ENTRIES_PER_UPDATE) {
            throw new ProtocolViolationException("directory update of " + (u.getAddCount() + u.getRemoveCount())
                    + " entries (max " + MAX_ENTRIES_PER_UPDATE + ")");
        }
        if (u.getAddrsCount() > MAX_ADDRESSES) {
            throw new ProtocolViolationException(
                    "directory update with " + u.getAddrsCount() + " addresses (max " + MAX_ADDRESSES + ")");
        }
        if (u.getSeq() < 0 || u.getTimestampMs() < 0) {
            throw new ProtocolViolationException("directory update sequence or time beyond 2^63");
        }
        try {
            List<Multiaddr> addrs = new ArrayList<>();
            for (ByteString a : u.getAddrsList()) {
                addrs.add(Multiaddr.fromBytes(a.toByteArray()));
            }
            return new Update(
                    key.peerId(),
                    u.getSeq(),
                    u.getFull(),
                    entries(u.getAddList()),
                    entries(u.getRemoveList()),
                    addrs,
                    u.getTimestampMs());
        } catch (MultiformatException e) {
            throw new ProtocolViolationException("directory update: " + e.getMessage(), e);
        }
    }

    static List<DirectoryEntry> entries(List<DirectoryProto.DirectoryEntry> in) throws ProtocolViolationException {
        List<DirectoryEntry> out = new ArrayList<>(in.size());
        for (DirectoryProto.DirectoryEntry e : in) {
            out.add(entry(e));
        }
        return out;
    }

    static DirectoryEntry entry(DirectoryProto.DirectoryEntry e) throws ProtocolViolationException {
        int pathBytes = e.getPathBytes().size();
        if (pathBytes == 0 || pathBytes > MAX_PATH_BYTES) {
            throw new ProtocolViolationException(
                    "directory entry path of " + pathBytes + " bytes (1 to " + MAX_PATH_BYTES + ")");
        }
        if (e.getSize() < 0) {
            throw new ProtocolViolationException("directory entry size beyond 2^63");
        }
        try {
            return new DirectoryEntry(Cid.fromBytes(e.getRoot().toByteArray()), e.getPath(), e.getSize());
        } catch (MultiformatException ex) {
            throw new ProtocolViolationException("directory entry with a bad CID: " + ex.getMessage(), ex);
        }
    }
}
