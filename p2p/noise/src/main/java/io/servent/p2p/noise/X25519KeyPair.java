package io.servent.p2p.noise;

import io.servent.p2p.api.ProtocolViolationException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;

/**
 * An X25519 key pair (RFC 7748) on the JDK's XDH provider, with the Noise {@code DH} function.
 * Public keys travel as 32 little-endian bytes. Immutable and thread-safe.
 */
final class X25519KeyPair {
    static final int KEY_LENGTH = 32;

    private static final byte[] BASE_POINT = basePoint();

    private final PrivateKey privateKey;
    private final byte[] publicKey;

    private X25519KeyPair(PrivateKey privateKey, byte[] publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    static X25519KeyPair generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            return new X25519KeyPair(pair.getPrivate(), encode(((XECPublicKey) pair.getPublic()).getU()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks X25519", e);
        }
    }

    /** From a 32-byte private scalar, as test vectors give it; the public key is derived. */
    static X25519KeyPair fromPrivate(byte[] scalar) {
        if (scalar.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 private keys are 32 bytes, not " + scalar.length);
        }
        try {
            PrivateKey key = KeyFactory.getInstance("X25519")
                    .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
            // The JDK cannot derive the public key directly: it is DH with the base point u = 9.
            return new X25519KeyPair(key, agree(key, BASE_POINT));
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw new IllegalArgumentException("invalid X25519 private key: " + e.getMessage(), e);
        }
    }

    byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * DH(this, remote). A remote key of small order would make the result all zeros, which the JDK
     * refuses; that is the peer's fault and is reported as such.
     */
    byte[] dh(byte[] remotePublic) throws ProtocolViolationException {
        try {
            return agree(privateKey, remotePublic);
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw new ProtocolViolationException("unusable X25519 public key from the peer: " + e.getMessage(), e);
        }
    }

    private static byte[] agree(PrivateKey key, byte[] remotePublic) throws GeneralSecurityException {
        if (remotePublic.length != KEY_LENGTH) {
            throw new GeneralSecurityException("X25519 public keys are 32 bytes, not " + remotePublic.length);
        }
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(key);
        agreement.doPhase(decode(remotePublic), true);
        return agreement.generateSecret();
    }

    /** RFC 7748 section 5: little-endian u, the most significant bit ignored. */
    private static PublicKey decode(byte[] raw) throws GeneralSecurityException {
        byte[] bigEndian = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++) {
            bigEndian[i] = raw[KEY_LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7F;
        return KeyFactory.getInstance("X25519")
                .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
    }

    private static byte[] encode(BigInteger u) {
        byte[] bigEndian = u.toByteArray();
        byte[] raw = new byte[KEY_LENGTH];
        // toByteArray may carry a leading sign byte; copy the low 32 bytes in little-endian order.
        for (int i = 0; i < KEY_LENGTH && i < bigEndian.length; i++) {
            raw[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return raw;
    }

    private static byte[] basePoint() {
        byte[] point = new byte[KEY_LENGTH];
        point[0] = 9;
        return point;
    }

    @Override
    public String toString() {
        return "X25519KeyPair[public " + HexFormat.of().formatHex(publicKey) + "]";
    }
}
