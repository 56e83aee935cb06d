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
 * An Ed25519 private key. libp2p encodes it as the 32-byte seed followed by the 32-byte public key;
 * a bare 32-byte seed is accepted too.
 */
public final class Ed25519PrivateKey implements PrivateKey {
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

    /** From a 32-byte seed, or the 64-byte libp2p form whose second half must be the matching public key. */
    public static Ed25519PrivateKey fromRaw(byte[] raw) {
        if (raw.length != 32 && raw.length != 64) {
            throw new MultiformatException("Ed25519 private keys are 32 or 64 bytes, not " + raw.length);
        }
        byte[] seed = Arrays.copyOf(raw, 32);
        Ed25519PrivateKey key = fromSeed(seed);
        if (raw.length == 64 && !Arrays.equals(Arrays.copyOfRange(raw, 32, 64), key.publicKey.raw())) {
            throw new MultiformatException("Ed25519 private key's embedded public key does not match its seed");
        }
        return key;
    }

    public static Ed25519PrivateKey fromSeed(byte[] seed) {
        if (seed.length != 32) {
            throw new MultiformatException("Ed25519 seeds are 32 bytes, not " + seed.length);
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            java.security.PrivateKey priv =
                    factory.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed.clone()));
            // The JDK cannot derive a public key from a private one directly; a generator seeded with
            // exactly these bytes produces the matching pair.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytesRandom(seed));
            EdECPublicKey pub = (EdECPublicKey) generator.generateKeyPair().getPublic();
            return new Ed25519PrivateKey(seed.clone(), Ed25519PublicKey.fromJdk(pub), priv);
        } catch (GeneralSecurityException e) {
            throw new MultiformatException("invalid Ed25519 seed: " + e.getMessage(), e);
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
