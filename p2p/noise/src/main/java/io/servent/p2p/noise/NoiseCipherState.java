package io.servent.p2p.noise;

import io.servent.p2p.api.ProtocolViolationException;
import java.io.IOException;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * The Noise {@code CipherState} (section 5.1): a key and a 64-bit message counter. Each encryption or
 * decryption uses the next counter value, so a nonce is never reused; the value 2^64-1 is reserved,
 * and reaching it ends the session.
 *
 * <p>Not thread-safe: a transport direction has one owner.
 */
final class NoiseCipherState {
    private static final byte[] NO_AD = new byte[0];
    /** 2^64-1 as an unsigned long: never used as a nonce (Noise section 5.1). */
    private static final long RESERVED_NONCE = -1L;

    private final ChaChaPoly aead;
    private @Nullable SecretKey key;
    private long nonce;

    NoiseCipherState(ChaChaPoly aead) {
        this.aead = aead;
    }

    /** A transport cipher state; {@code nonce} lets tests start near the end of the counter. */
    NoiseCipherState(ChaChaPoly aead, byte[] key, long nonce) {
        this.aead = aead;
        this.key = ChaChaPoly.key(key);
        this.nonce = nonce;
    }

    void initializeKey(byte[] rawKey) {
        key = ChaChaPoly.key(rawKey);
        nonce = 0;
    }

    boolean hasKey() {
        return key != null;
    }

    /** The next nonce to be used, for tests and diagnostics. */
    long nonce() {
        return nonce;
    }

    /** Whether the counter reached the reserved value, so no further message may be processed. */
    boolean exhausted() {
        return nonce == RESERVED_NONCE;
    }

    NoiseCipherProvider provider() {
        return aead.provider();
    }

    /** EncryptWithAd for handshake messages: returns the plaintext unchanged while there is no key. */
    byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws IOException {
        SecretKey k = key;
        if (k == null) {
            return plaintext.clone();
        }
        byte[] out = new byte[plaintext.length + ChaChaPoly.TAG_LENGTH];
        aead.seal(k, takeSendNonce(), ad, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /** DecryptWithAd for handshake messages: returns the ciphertext unchanged while there is no key. */
    byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws ProtocolViolationException {
        SecretKey k = key;
        if (k == null) {
            return ciphertext.clone();
        }
        if (ciphertext.length < ChaChaPoly.TAG_LENGTH) {
            throw new ProtocolViolationException("noise ciphertext of " + ciphertext.length
                    + " bytes is shorter than the " + ChaChaPoly.TAG_LENGTH + "-byte tag");
        }
        byte[] out = new byte[ciphertext.length - ChaChaPoly.TAG_LENGTH];
        open(k, ad, ciphertext, 0, ciphertext.length, out, 0);
        return out;
    }

    /** Encrypts a transport message; {@code out} receives {@code length + 16} bytes. */
    int encrypt(byte[] in, int inOffset, int length, byte[] out, int outOffset) throws IOException {
        SecretKey k = requireKey();
        return aead.seal(k, takeSendNonce(), NO_AD, in, inOffset, length, out, outOffset);
    }

    /** Decrypts a transport message (ciphertext and tag); {@code out} receives {@code length - 16} bytes. */
    int decrypt(byte[] in, int inOffset, int length, byte[] out, int outOffset) throws ProtocolViolationException {
        return open(requireKey(), NO_AD, in, inOffset, length, out, outOffset);
    }

    private int open(SecretKey k, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
            throws ProtocolViolationException {
        if (nonce == RESERVED_NONCE) {
            throw new ProtocolViolationException("the peer sent 2^64-1 noise messages; the session must end");
        }
        long n = nonce;
        try {
            int written = aead.open(k, n, ad, in, inOffset, length, out, outOffset);
            nonce = n + 1;
            return written;
        } catch (AEADBadTagException e) {
            // The counter stays put (Noise 5.1), but the caller ends the session: one forgery is enough.
            throw new ProtocolViolationException(
                    "noise message " + Long.toUnsignedString(n) + " failed authentication (tampered or forged)");
        }
    }

    private long takeSendNonce() throws IOException {
        if (nonce == RESERVED_NONCE) {
            throw new IOException("noise send counter exhausted after 2^64-1 messages; the session must end");
        }
        return nonce++;
    }

    private SecretKey requireKey() {
        SecretKey k = key;
        if (k == null) {
            throw new IllegalStateException("transport cipher state has no key");
        }
        return k;
    }
}
