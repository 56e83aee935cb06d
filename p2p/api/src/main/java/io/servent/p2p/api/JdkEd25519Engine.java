package io.servent.p2p.api;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.HexFormat;

/**
 * Ed25519 with the JDK's SunEC provider: the fallback when BouncyCastle is absent. Stateless and
 * thread-safe.
 */
final class JdkEd25519Engine extends Ed25519Engine {
    static final JdkEd25519Engine INSTANCE = new JdkEd25519Engine();

    private static final int LENGTH = 32;

    /**
     * The provider whose key pair generator turns a fixed 32-byte "random" input into that seed's
     * key pair; other providers need not behave so, and the RFC 8032 vectors pin this one.
     */
    private static final String DERIVING_PROVIDER = "SunEC";

    /** The field prime 2^255 - 19. */
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

    /** The curve constant d = -121665 / 121666 mod p. */
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P))
            .mod(P);

    /** sqrt(-1) mod p = 2^((p-1)/4), used when the first square-root candidate is off by it. */
    private static final BigInteger SQRT_M1 =
            BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);

    private static final SecureRandom RANDOM = new SecureRandom();

    private JdkEd25519Engine() {}

    @Override
    String name() {
        return "JDK";
    }

    @Override
    Object decodePublicKey(byte[] raw) {
        EdECPoint point = requireCurvePoint(raw);
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
        } catch (GeneralSecurityException e) {
            throw new MultiformatException("invalid Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /**
     * RFC 8032 5.1.3: the point {@code raw} encodes (little-endian y with the x sign in the top bit).
     *
     * @throws MultiformatException if no curve point has that encoding
     */
    static EdECPoint requireCurvePoint(byte[] raw) {
        byte[] reversed = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            reversed[i] = raw[LENGTH - 1 - i];
        }
        boolean xOdd = (reversed[0] & 0x80) != 0;
        reversed[0] &= 0x7F;
        BigInteger y = new BigInteger(1, reversed);
        if (!decodesToPoint(y, xOdd)) {
            throw new MultiformatException(
                    "invalid Ed25519 public key " + HexFormat.of().formatHex(raw)
                            + ": it does not encode a point on the curve (RFC 8032 section 5.1.3)");
        }
        return new EdECPoint(xOdd, y);
    }

    /** RFC 8032 section 5.1.3: whether some x with the given parity completes (x, y) on the curve. */
    private static boolean decodesToPoint(BigInteger y, boolean xOdd) {
        if (y.compareTo(P) >= 0) {
            return false; // non-canonical y
        }
        BigInteger y2 = y.multiply(y).mod(P);
        BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
        BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
        BigInteger v3 = v.pow(3).mod(P);
        BigInteger uv7 = u.multiply(v3).multiply(v3).multiply(v).mod(P);
        BigInteger exponent = P.subtract(BigInteger.valueOf(5)).shiftRight(3);
        BigInteger x = u.multiply(v3).multiply(uv7.modPow(exponent, P)).mod(P);
        BigInteger vx2 = v.multiply(x).multiply(x).mod(P);
        if (!vx2.equals(u)) {
            if (!vx2.equals(u.negate().mod(P))) {
                return false; // (y^2 - 1) / (d y^2 + 1) has no square root: not a curve point
            }
            x = x.multiply(SQRT_M1).mod(P);
        }
        return !(x.signum() == 0 && xOdd); // x = 0 has no negative
    }

    @Override
    boolean verify(Object publicHandle, byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify((java.security.PublicKey) publicHandle);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (InvalidKeyException | SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks Ed25519", e);
        }
    }

    @Override
    byte[] publicKeyOf(byte[] seed) {
        try {
            // The JDK cannot derive a public key from a private one directly; a generator seeded with
            // exactly these bytes produces the matching pair.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519", DERIVING_PROVIDER);
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytesRandom(seed));
            EdECPoint point = ((EdECPublicKey) generator.generateKeyPair().getPublic()).getPoint();
            byte[] y = point.getY().toByteArray();
            byte[] raw = new byte[LENGTH];
            // toByteArray is big-endian and may carry a leading zero; copy into little-endian form.
            for (int i = 0; i < y.length && i < LENGTH; i++) {
                raw[i] = y[y.length - 1 - i];
            }
            if (point.isXOdd()) {
                raw[LENGTH - 1] |= (byte) 0x80;
            }
            return raw;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's " + DERIVING_PROVIDER + " provider lacks Ed25519", e);
        }
    }

    @Override
    Object privateHandle(byte[] seed, byte[] publicKey) {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed.clone()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks Ed25519", e);
        }
    }

    @Override
    byte[] sign(Object privateHandle, byte[] data) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign((java.security.PrivateKey) privateHandle);
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    @Override
    byte[] generateSeed() {
        byte[] seed = new byte[LENGTH];
        RANDOM.nextBytes(seed);
        return seed;
    }

    /** Feeds fixed bytes to a key generator so it derives the key pair of a known seed. */
    private static final class FixedBytesRandom extends SecureRandom {
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
