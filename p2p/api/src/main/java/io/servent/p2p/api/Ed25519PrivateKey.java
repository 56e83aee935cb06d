package io.servent.p2p.api;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * An Ed25519 private key. libp2p encodes it as the 32-byte seed followed by the 32-byte public key
 * (older versions appended the public key twice). Immutable and thread-safe.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#ed25519">Ed25519
 *     keys</a>
 */
public final class Ed25519PrivateKey implements PrivateKey {
    public static final int SEED_LENGTH = 32;

    /**
     * The provider whose key pair generator turns a fixed 32-byte "random" input into that seed's
     * key pair; other providers need not behave so, and the RFC 8032 vectors pin this one.
     */
    private static final String DERIVING_PROVIDER = "SunEC";

    private final byte[] seed;
    private final Ed25519PublicKey publicKey;
    private final java.security.PrivateKey jdkKey;

    private Ed25519PrivateKey(byte[] seed, Ed25519PublicKey publicKey, java.security.PrivateKey jdkKey) {
        this.seed = seed;
        this.publicKey = publicKey;
        this.jdkKey = jdkKey;
    }

    public static Ed25519PrivateKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            EdECPrivateKey priv = (EdECPrivateKey) pair.getPrivate();
            byte[] seed = priv.getBytes().orElseThrow(() -> new IllegalStateException("JDK Ed25519 key has no seed"));
            return new Ed25519PrivateKey(seed, Ed25519PublicKey.fromJdk((EdECPublicKey) pair.getPublic()), priv);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks Ed25519", e);
        }
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
        if (seed.length != SEED_LENGTH) {
            throw new MultiformatException("Ed25519 seeds are 32 bytes, not " + seed.length);
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            java.security.PrivateKey priv =
                    factory.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed.clone()));
            // The JDK cannot derive a public key from a private one directly; a generator seeded with
            // exactly these bytes produces the matching pair.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519", DERIVING_PROVIDER);
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytesRandom(seed));
            EdECPublicKey pub = (EdECPublicKey) generator.generateKeyPair().getPublic();
            return new Ed25519PrivateKey(seed.clone(), Ed25519PublicKey.fromJdk(pub), priv);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's " + DERIVING_PROVIDER + " provider lacks Ed25519", e);
        }
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
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(jdkKey);
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
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

    /** Feeds fixed bytes to a key generator so it derives the key pair of a known seed. */
    private static final class FixedBytesRandom extends java.security.SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;

        FixedBytesRandom(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("expected a request for " + bytes.length + " bytes");
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
