package io.servent.p2p.api;

import java.util.Arrays;

/**
 * An Ed25519 private key. libp2p encodes it as the 32-byte seed followed by the 32-byte public key
 * (older versions appended the public key twice). Signs with BouncyCastle when it is on the class
 * path (≈ 19× the JDK's speed), with the JDK's provider otherwise. Immutable and thread-safe.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#ed25519">Ed25519
 *     keys</a>
 */
public final class Ed25519PrivateKey implements PrivateKey {
    public static final int SEED_LENGTH = 32;

    private final byte[] seed;
    private final Ed25519PublicKey publicKey;
    private final Ed25519Engine engine;
    private final Object handle;

    private Ed25519PrivateKey(byte[] seed, Ed25519PublicKey publicKey, Ed25519Engine engine) {
        this.seed = seed;
        this.publicKey = publicKey;
        this.engine = engine;
        this.handle = engine.privateHandle(seed, publicKey.raw());
    }

    public static Ed25519PrivateKey generate() {
        Ed25519Engine engine = Ed25519Engine.preferred();
        return fromSeed(engine.generateSeed(), engine);
    }

    /**
     * From a 32-byte seed, the 64-byte libp2p form (seed, public key) or the legacy 96-byte form
     * (seed, public key, public key); every embedded public key must match the seed.
     */
    public static Ed25519PrivateKey fromRaw(byte[] raw) {
        if (raw.length == SEED_LENGTH) {
            return fromSeed(raw);
        }
        return fromProtobufData(raw);
    }

    /** The protobuf's Data field: 64 bytes, or the legacy 96; a bare seed is not the spec's form. */
    static Ed25519PrivateKey fromProtobufData(byte[] data) {
        if (data.length != 64 && data.length != 96) {
            throw new MultiformatException("Ed25519 private key data is 64 bytes (seed and public key) or the"
                    + " legacy 96 (seed and public key twice), not " + data.length);
        }
        Ed25519PrivateKey key = fromSeed(Arrays.copyOf(data, SEED_LENGTH));
        byte[] expected = key.publicKey.raw();
        for (int offset = 32; offset < data.length; offset += 32) {
            if (!Arrays.equals(data, offset, offset + 32, expected, 0, 32)) {
                throw new MultiformatException("Ed25519 private key's public key at byte " + offset
                        + " does not match the public key of its seed");
            }
        }
        return key;
    }

    public static Ed25519PrivateKey fromSeed(byte[] seed) {
        return fromSeed(seed, Ed25519Engine.preferred());
    }

    static Ed25519PrivateKey fromSeed(byte[] seed, Ed25519Engine engine) {
        if (seed.length != SEED_LENGTH) {
            throw new MultiformatException("Ed25519 seeds are 32 bytes, not " + seed.length);
        }
        byte[] copy = seed.clone();
        Ed25519PublicKey publicKey = Ed25519PublicKey.fromRaw(engine.publicKeyOf(copy), engine);
        return new Ed25519PrivateKey(copy, publicKey, engine);
    }

    @Override
    public KeyType type() {
        return KeyType.ED25519;
    }

    @Override
    public Ed25519PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) {
        return engine.sign(handle, data);
    }

    @Override
    public byte[] raw() {
        byte[] out = Arrays.copyOf(seed, 64);
        System.arraycopy(publicKey.raw(), 0, out, 32, 32);
        return out;
    }

    @Override
    public String toString() {
        return "Ed25519PrivateKey[for " + publicKey.peerId() + "]";
    }
}
