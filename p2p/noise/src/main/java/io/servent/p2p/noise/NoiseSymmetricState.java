package io.servent.p2p.noise;

import io.servent.p2p.api.ProtocolViolationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise {@code SymmetricState} (section 5.2) for SHA-256: the chaining key {@code ck}, the
 * handshake hash {@code h} and a {@link NoiseCipherState}. Not thread-safe.
 */
final class NoiseSymmetricState {
    static final int HASH_LENGTH = 32;

    private final MessageDigest sha256;
    private final Mac hmac;
    private final ChaChaPoly aead;
    private final NoiseCipherState cipher;
    private byte[] ck;
    private byte[] h;

    /** InitializeSymmetric(protocolName). */
    NoiseSymmetricState(String protocolName, ChaChaPoly aead) {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
            this.hmac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks SHA-256 or HMAC-SHA256", e);
        }
        this.aead = aead;
        this.cipher = new NoiseCipherState(aead);
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        this.h = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : sha256.digest(name);
        this.ck = h.clone();
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(ck, inputKeyMaterial, 2);
        ck = out[0];
        cipher.initializeKey(out[1]);
    }

    void mixHash(byte[] data) {
        sha256.update(h);
        sha256.update(data);
        h = sha256.digest();
    }

    byte[] encryptAndHash(byte[] plaintext) throws IOException {
        byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] ciphertext) throws ProtocolViolationException {
        byte[] plaintext = cipher.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    boolean hasKey() {
        return cipher.hasKey();
    }

    byte[] handshakeHash() {
        return h.clone();
    }

    /** Split(): the initiator-to-responder and responder-to-initiator transport cipher states. */
    NoiseCipherState[] split() {
        byte[][] keys = hkdf(ck, new byte[0], 2);
        return new NoiseCipherState[] {new NoiseCipherState(aead, keys[0], 0), new NoiseCipherState(aead, keys[1], 0)};
    }

    /** HKDF as Noise defines it (section 4.3): HMAC-SHA256 extract, then chained expand without info. */
    private byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
        byte[][] out = new byte[outputs][];
        byte[] previous = new byte[0];
        for (int i = 0; i < outputs; i++) {
            byte[] block = Arrays.copyOf(previous, previous.length + 1);
            block[previous.length] = (byte) (i + 1);
            previous = hmac(tempKey, block);
            out[i] = previous;
        }
        return out;
    }

    private byte[] hmac(byte[] key, byte[] data) {
        try {
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 refused a 32-byte key", e);
        }
        return hmac.doFinal(data);
    }
}
