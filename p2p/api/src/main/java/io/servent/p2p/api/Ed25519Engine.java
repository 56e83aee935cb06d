package io.servent.p2p.api;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ed25519 arithmetic behind {@link Ed25519PublicKey} and {@link Ed25519PrivateKey}.
 * BouncyCastle's when it is on the class path: on this project's reference machine it verifies ≈ 8×
 * and signs ≈ 19× as fast as the JDK's SunEC (≈ 10,000 against 1,300 verifications per second per
 * core), which matters wherever every message carries a signature (gossipsub's StrictSign). The
 * JDK's otherwise, or when the system property {@code servent.ed25519=jdk} asks for it. Stateless
 * and thread-safe.
 *
 * <p>Keys keep an engine-specific handle ({@link #decodePublicKey}, {@link #privateHandle}) so the
 * costly decoding happens once per key, not once per signature.
 */
abstract sealed class Ed25519Engine permits BouncyCastleEd25519Engine, JdkEd25519Engine {
    private static final Logger log = LoggerFactory.getLogger(Ed25519Engine.class);

    static final int SIGNATURE_LENGTH = 64;

    private static final Ed25519Engine PREFERRED = choose();

    /** The engine new keys use: BouncyCastle if it loads, else the JDK. */
    static Ed25519Engine preferred() {
        return PREFERRED;
    }

    private static Ed25519Engine choose() {
        if ("jdk".equals(System.getProperty("servent.ed25519"))) {
            log.info("using the JDK's Ed25519 (servent.ed25519=jdk)");
            return JdkEd25519Engine.INSTANCE;
        }
        try {
            return BouncyCastleEd25519Engine.load();
        } catch (LinkageError | RuntimeException e) {
            log.info("BouncyCastle Ed25519 is unavailable ({}); using the JDK's, ≈ 8× slower to verify", e.toString());
            return JdkEd25519Engine.INSTANCE;
        }
    }

    abstract String name();

    /**
     * A handle for verifying with the key {@code raw}, or null if the key is a valid curve point that
     * can never verify a signature (a point of small order, which BouncyCastle refuses).
     *
     * @throws MultiformatException if {@code raw} does not encode a curve point (RFC 8032 5.1.3)
     */
    abstract @Nullable Object decodePublicKey(byte[] raw);

    /** Verifies with a handle from {@link #decodePublicKey}; {@code signature} is 64 bytes. */
    abstract boolean verify(Object publicHandle, byte[] data, byte[] signature);

    /** The 32-byte public key of a 32-byte seed. */
    abstract byte[] publicKeyOf(byte[] seed);

    /** A handle for signing with {@code seed}, whose public key is {@code publicKey}. */
    abstract Object privateHandle(byte[] seed, byte[] publicKey);

    abstract byte[] sign(Object privateHandle, byte[] data);

    /** A fresh random 32-byte seed. */
    abstract byte[] generateSeed();
}
