package io.servent.p2p.kad;

import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code /pk/} namespace: key {@code /pk/<PeerId bytes>}, value the peer's public key protobuf,
 * valid when the value hashes to the key. A PeerId's multihash names its hash function, so this is
 * SHA-256 for hashed ids and the identity for inlined ones (Ed25519): the same check go-libp2p
 * ({@code MatchesPublicKey}) and js-libp2p ({@code toMultihash()}) make. All valid values for a key
 * are equal, so {@link #select} takes the first. Stateless and thread-safe.
 */
public final class KadPublicKeyValidator implements KadRecordValidator {
    public static final String NAMESPACE = "pk";
    private static final byte[] PREFIX = "/pk/".getBytes(StandardCharsets.US_ASCII);

    /** The record key under which {@code peer}'s public key is stored. */
    public static byte[] key(PeerId peer) {
        byte[] id = peer.bytes();
        byte[] key = Arrays.copyOf(PREFIX, PREFIX.length + id.length);
        System.arraycopy(id, 0, key, PREFIX.length, id.length);
        return key;
    }

    @Override
    public void validate(byte[] key, byte[] value) throws InvalidRecordException {
        if (key.length <= PREFIX.length || !Arrays.equals(key, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
            throw new InvalidRecordException("public key record key does not start with /pk/");
        }
        PeerId peer;
        try {
            peer = PeerId.fromBytes(Arrays.copyOfRange(key, PREFIX.length, key.length));
        } catch (MultiformatException e) {
            throw new InvalidRecordException("public key record key is not /pk/<PeerId>: " + e.getMessage(), e);
        }
        Multihash mh = peer.multihash();
        byte[] expected = mh.digest();
        byte[] actual =
                switch (mh.code()) {
                    case Multihash.IDENTITY -> value;
                    case Multihash.SHA2_256 -> {
                        MessageDigest sha = Multihash.sha256Digest();
                        yield sha.digest(value);
                    }
                    default -> throw new InvalidRecordException("unexpected PeerId hash " + mh.code());
                };
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new InvalidRecordException("public key record for " + peer + " holds a key that does not hash"
                    + " to that PeerId (" + value.length + " bytes)");
        }
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
        return 0;
    }
}
