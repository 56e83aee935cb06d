package io.servent.p2p.api;

import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * An Ed25519 public key (RFC 8032), verified with BouncyCastle when it is on the class path (≈ 8×
 * the JDK's speed) and with the JDK's provider otherwise. Parsing checks the encoding names a point
 * on the curve (RFC 8032 section 5.1.3), so an invalid key fails where it enters, not at the first
 * signature; the decoded point is kept, so each verification skips decoding it again. Immutable and
 * thread-safe.
 */
public final class Ed25519PublicKey implements PublicKey {
    public static final int LENGTH = 32;

    private final byte[] raw;
    private final Ed25519Engine engine;

    /** The engine's decoded key; null for the few points of small order, which verify nothing. */
    private final @Nullable Object handle;

    private Ed25519PublicKey(byte[] raw, Ed25519Engine engine, @Nullable Object handle) {
        this.raw = raw;
        this.engine = engine;
        this.handle = handle;
    }

    public static Ed25519PublicKey fromRaw(byte[] raw) {
        return fromRaw(raw, Ed25519Engine.preferred());
    }

    static Ed25519PublicKey fromRaw(byte[] raw, Ed25519Engine engine) {
        if (raw.length != LENGTH) {
            throw new MultiformatException("Ed25519 public keys are 32 bytes, not " + raw.length);
        }
        byte[] copy = raw.clone();
        return new Ed25519PublicKey(copy, engine, engine.decodePublicKey(copy));
    }

    Ed25519Engine engine() {
        return engine;
    }

    @Override
    public KeyType type() {
        return KeyType.ED25519;
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        Object key = handle;
        if (signature.length != Ed25519Engine.SIGNATURE_LENGTH || key == null) {
            return false;
        }
        return engine.verify(key, data, signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ed25519PublicKey other && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "Ed25519PublicKey[" + HexFormat.of().formatHex(raw) + "]";
    }
}
