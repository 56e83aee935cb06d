package io.servent.p2p.noise;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) as Noise uses it: 32-byte key, 96-bit nonce made of 32 zero bits and
 * the 64-bit little-endian message counter, 16-byte tag.
 *
 * <p>Implementations keep no per-key state: every call borrows a {@link javax.crypto.Cipher} from a
 * small shared pool and initialises it with the caller's key and nonce, so an idle connection holds
 * no cipher objects (Conscrypt's keep a buffer of the last message size, 64 KiB per instance).
 * Thread-safe.
 */
sealed interface ChaChaPoly permits JdkChaChaPoly, ConscryptChaChaPoly {
    int KEY_LENGTH = 32;
    int TAG_LENGTH = 16;

    NoiseCipherProvider provider();

    /**
     * Encrypts {@code length} bytes of {@code in} into {@code out}, which receives
     * {@code length + TAG_LENGTH} bytes. {@code in} and {@code out} may be the same region.
     *
     * @return the number of bytes written
     */
    int seal(SecretKey key, long nonce, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset);

    /**
     * Decrypts and authenticates {@code length} bytes (ciphertext and tag) of {@code in} into
     * {@code out}, which receives {@code length - TAG_LENGTH} bytes; nothing is written when the tag
     * does not verify. {@code in} and {@code out} may be the same region.
     *
     * @return the number of plaintext bytes written
     */
    int open(SecretKey key, long nonce, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
            throws AEADBadTagException;

    static SecretKey key(byte[] raw) {
        if (raw.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 keys are 32 bytes, not " + raw.length);
        }
        return new SecretKeySpec(raw, "ChaCha20");
    }

    /** The Noise nonce: four zero bytes, then the counter in little-endian order. */
    static IvParameterSpec nonce(long counter) {
        byte[] iv = new byte[12];
        ByteBuffer.wrap(iv).order(ByteOrder.LITTLE_ENDIAN).putLong(4, counter);
        return new IvParameterSpec(iv);
    }

    /** The first usable provider in {@code preference} order. */
    static ChaChaPoly select(Iterable<NoiseCipherProvider> preference) {
        for (NoiseCipherProvider provider : preference) {
            Optional<? extends ChaChaPoly> found =
                    switch (provider) {
                        case CONSCRYPT -> ConscryptChaChaPoly.instance();
                        case JDK -> Optional.of(JdkChaChaPoly.INSTANCE);
                    };
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new IllegalArgumentException("none of the cipher providers " + preference + " is available");
    }

    /** A cipher failure that is not an authentication failure is a bug or a broken provider. */
    static IllegalStateException broken(String what, GeneralSecurityException e) {
        return new IllegalStateException("ChaCha20-Poly1305 " + what + " failed: " + e, e);
    }
}
