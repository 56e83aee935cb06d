package io.servent.p2p.api;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An Ed25519 public key (RFC 8032), verified with the JDK's provider. Parsing checks the encoding
 * names a point on the curve (RFC 8032 section 5.1.3), so an invalid key fails where it enters,
 * not at the first signature. Immutable and thread-safe.
 */
public final class Ed25519PublicKey implements PublicKey {
    public static final int LENGTH = 32;

    /** The field prime 2^255 - 19. */
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

    /** The curve constant d = -121665 / 121666 mod p. */
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P))
            .mod(P);

    /** sqrt(-1) mod p = 2^((p-1)/4), used when the first square-root candidate is off by it. */
    private static final BigInteger SQRT_M1 =
            BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);

    private final byte[] raw;
    private final java.security.PublicKey jdkKey;

    private Ed25519PublicKey(byte[] raw, java.security.PublicKey jdkKey) {
        this.raw = raw;
        this.jdkKey = jdkKey;
    }

    public static Ed25519PublicKey fromRaw(byte[] raw) {
        if (raw.length != LENGTH) {
            throw new MultiformatException("Ed25519 public keys are 32 bytes, not " + raw.length);
        }
        // RFC 8032 5.1.3: little-endian y with the x sign in the top bit.
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
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            java.security.PublicKey key =
                    factory.generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, y)));
            return new Ed25519PublicKey(raw.clone(), key);
        } catch (GeneralSecurityException e) {
            throw new MultiformatException("invalid Ed25519 public key: " + e.getMessage(), e);
        }
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

    static Ed25519PublicKey fromJdk(java.security.interfaces.EdECPublicKey key) {
        EdECPoint point = key.getPoint();
        byte[] y = point.getY().toByteArray();
        byte[] raw = new byte[LENGTH];
        // toByteArray is big-endian and may carry a leading zero; copy into little-endian form.
        for (int i = 0; i < y.length && i < LENGTH; i++) {
            raw[i] = y[y.length - 1 - i];
        }
        if (point.isXOdd()) {
            raw[LENGTH - 1] |= (byte) 0x80;
        }
        return new Ed25519PublicKey(raw, key);
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
        if (signature.length != 64) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(jdkKey);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (InvalidKeyException | SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks Ed25519", e);
        }
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
