package io.servent.p2p.api;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.jspecify.annotations.Nullable;

/**
 * Ed25519 with BouncyCastle's low-level RFC 8032 code. Only {@link Ed25519Engine} loads this class,
 * and only after checking BouncyCastle links, so nothing else touches its types. Stateless and
 * thread-safe.
 */
final class BouncyCastleEd25519Engine extends Ed25519Engine {
    private static final SecureRandom RANDOM = new SecureRandom();

    private BouncyCastleEd25519Engine() {}

    /** Builds the engine after a known-answer self test (RFC 8032 7.1 TEST 1), so a broken jar is never used. */
    static BouncyCastleEd25519Engine load() {
        Ed25519.precompute();
        BouncyCastleEd25519Engine engine = new BouncyCastleEd25519Engine();
        HexFormat hex = HexFormat.of();
        byte[] seed = hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] publicKey = engine.publicKeyOf(seed);
        byte[] signature = engine.sign(engine.privateHandle(seed, publicKey), new byte[0]);
        Object point = engine.decodePublicKey(publicKey);
        if (!hex.formatHex(publicKey).equals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
                || point == null
                || !engine.verify(point, new byte[0], signature)) {
            throw new IllegalStateException("BouncyCastle Ed25519 failed its RFC 8032 self test");
        }
        return engine;
    }

    @Override
    String name() {
        return "BouncyCastle";
    }

    @Override
    @Nullable
    Object decodePublicKey(byte[] raw) {
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(raw, 0);
        if (point != null) {
            return point;
        }
        // BouncyCastle also refuses the few points of small order, which RFC 8032 decoding accepts;
        // tell them apart from encodings that name no point at all.
        JdkEd25519Engine.requireCurvePoint(raw);
        return null;
    }

    @Override
    boolean verify(Object publicHandle, byte[] data, byte[] signature) {
        return Ed25519.verify(signature, 0, (Ed25519.PublicPoint) publicHandle, data, 0, data.length);
    }

    @Override
    byte[] publicKeyOf(byte[] seed) {
        byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        return publicKey;
    }

    @Override
    Object privateHandle(byte[] seed, byte[] publicKey) {
        return new KeyPair(seed.clone(), publicKey.clone());
    }

    @Override
    byte[] sign(Object privateHandle, byte[] data) {
        KeyPair pair = (KeyPair) privateHandle;
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(pair.seed, 0, pair.publicKey, 0, data, 0, data.length, signature, 0);
        return signature;
    }

    @Override
    byte[] generateSeed() {
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        RANDOM.nextBytes(seed);
        return seed;
    }

    /** Signing with the public key at hand saves deriving it again for every signature. */
    @SuppressWarnings("ArrayRecordComponent") // private, never compared
    private record KeyPair(byte[] seed, byte[] publicKey) {}
}
