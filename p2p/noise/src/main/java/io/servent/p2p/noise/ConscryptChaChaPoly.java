package io.servent.p2p.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import org.conscrypt.Conscrypt;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ChaCha20-Poly1305 from BoringSSL through Conscrypt. Thread-safe.
 *
 * <p>Data passes through a direct buffer: Conscrypt's byte-array path copies every message into a
 * per-cipher heap buffer that it keeps (and reallocates whenever the message size changes), while its
 * direct-buffer path hands memory straight to BoringSSL. Each pooled engine owns one cipher and one
 * direct buffer, used in place.
 */
final class ConscryptChaChaPoly implements ChaChaPoly {
    private static final Logger log = LoggerFactory.getLogger(ConscryptChaChaPoly.class);

    private static final String TRANSFORMATION = "ChaCha20/Poly1305/NoPadding";
    /** The largest Noise message: ciphertext and tag together. */
    private static final int MAX_MESSAGE = 65535;

    private final Provider provider;
    private final ArrayBlockingQueue<Engine> pool =
            new ArrayBlockingQueue<>(2 * Runtime.getRuntime().availableProcessors());

    private ConscryptChaChaPoly(Provider provider) {
        this.provider = provider;
    }

    /** The shared instance, or empty when Conscrypt's native library does not load on this machine. */
    static Optional<ConscryptChaChaPoly> instance() {
        return Optional.ofNullable(Holder.INSTANCE);
    }

    private static final class Holder {
        static final @Nullable ConscryptChaChaPoly INSTANCE = load();

        private static @Nullable ConscryptChaChaPoly load() {
            try {
                if (!Conscrypt.isAvailable()) {
                    log.debug("Conscrypt's native library is not available here");
                    return null;
                }
                ConscryptChaChaPoly candidate = new ConscryptChaChaPoly(Conscrypt.newProvider());
                selfTest(candidate);
                return candidate;
            } catch (LinkageError | RuntimeException e) {
                // No jar, no native library for this platform, or a broken build: the JDK will do.
                log.debug("Conscrypt is unusable: {}", e.toString());
                return null;
            }
        }

        /** One message sealed by Conscrypt must open with the JDK, or we do not trust it. */
        private static void selfTest(ConscryptChaChaPoly candidate) {
            byte[] rawKey = new byte[KEY_LENGTH];
            Arrays.fill(rawKey, (byte) 0x42);
            SecretKey key = ChaChaPoly.key(rawKey);
            byte[] ad = {1, 2, 3};
            byte[] plaintext = "servent conscrypt self-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] sealed = new byte[plaintext.length + TAG_LENGTH];
            candidate.seal(key, 7, ad, plaintext, 0, plaintext.length, sealed, 0);
            byte[] opened = new byte[plaintext.length];
            try {
                JdkChaChaPoly.INSTANCE.open(key, 7, ad, sealed, 0, sealed.length, opened, 0);
            } catch (AEADBadTagException e) {
                throw new IllegalStateException("Conscrypt's ChaCha20-Poly1305 disagrees with the JDK's", e);
            }
            if (!Arrays.equals(opened, plaintext)) {
                throw new IllegalStateException("Conscrypt's ChaCha20-Poly1305 disagrees with the JDK's");
            }
        }
    }

    @Override
    public NoiseCipherProvider provider() {
        return NoiseCipherProvider.CONSCRYPT;
    }

    @Override
    public int seal(
            SecretKey key, long nonce, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (length + TAG_LENGTH > MAX_MESSAGE) {
            throw new IllegalArgumentException(
                    "a Noise message holds at most " + (MAX_MESSAGE - TAG_LENGTH) + " plaintext bytes, not " + length);
        }
        Engine engine = borrow();
        try {
            engine.cipher.init(Cipher.ENCRYPT_MODE, key, ChaChaPoly.nonce(nonce));
            int written = engine.run(ad, in, inOffset, length, out, outOffset);
            pool.offer(engine);
            return written;
        } catch (GeneralSecurityException e) {
            throw ChaChaPoly.broken("encryption", e);
        }
    }

    @Override
    public int open(
            SecretKey key, long nonce, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
            throws AEADBadTagException {
        if (length > MAX_MESSAGE) {
            throw new IllegalArgumentException("a Noise message is at most " + MAX_MESSAGE + " bytes, not " + length);
        }
        Engine engine = borrow();
        try {
            engine.cipher.init(Cipher.DECRYPT_MODE, key, ChaChaPoly.nonce(nonce));
            int written = engine.run(ad, in, inOffset, length, out, outOffset);
            pool.offer(engine);
            return written;
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw ChaChaPoly.broken("decryption", e);
        }
    }

    private Engine borrow() {
        Engine engine = pool.poll();
        if (engine != null) {
            return engine;
        }
        try {
            return new Engine(Cipher.getInstance(TRANSFORMATION, provider));
        } catch (GeneralSecurityException e) {
            throw ChaChaPoly.broken("setup", e);
        }
    }

    @Override
    public String toString() {
        return "Conscrypt (BoringSSL) ChaCha20-Poly1305";
    }

    /** A cipher and the direct buffer it works in. Used by one thread at a time. */
    private static final class Engine {
        final Cipher cipher;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_MESSAGE);

        Engine(Cipher cipher) {
            this.cipher = cipher;
        }

        /** Runs the initialised cipher over {@code in}, in place in the direct buffer. */
        int run(byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
                throws GeneralSecurityException {
            if (ad.length > 0) {
                cipher.updateAAD(ad);
            }
            ByteBuffer input = buffer.clear();
            input.put(in, inOffset, length).flip();
            ByteBuffer output = buffer.duplicate().clear();
            int written = cipher.doFinal(input, output);
            output.flip().get(out, outOffset, written);
            return written;
        }
    }
}
