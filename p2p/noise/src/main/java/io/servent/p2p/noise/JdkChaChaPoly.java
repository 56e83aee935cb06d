package io.servent.p2p.noise;

import java.security.GeneralSecurityException;
import java.util.concurrent.ArrayBlockingQueue;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/** ChaCha20-Poly1305 from the JDK's SunJCE provider. Thread-safe. */
final class JdkChaChaPoly implements ChaChaPoly {
    static final JdkChaChaPoly INSTANCE = new JdkChaChaPoly();

    private static final String TRANSFORMATION = "ChaCha20-Poly1305";

    // Separate pools per direction: JDK 17 refuses to initialise a cipher with the key and nonce of
    // its previous initialisation even to decrypt, and when both ends of a session run in one JVM
    // (tests, the simulator) the receiver's key and nonce are exactly what the sender just used.
    private final ArrayBlockingQueue<Cipher> encryptors =
            new ArrayBlockingQueue<>(2 * Runtime.getRuntime().availableProcessors());
    private final ArrayBlockingQueue<Cipher> decryptors =
            new ArrayBlockingQueue<>(2 * Runtime.getRuntime().availableProcessors());

    private JdkChaChaPoly() {}

    @Override
    public NoiseCipherProvider provider() {
        return NoiseCipherProvider.JDK;
    }

    @Override
    public int seal(
            SecretKey key, long nonce, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        Cipher cipher = borrow(encryptors);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, ChaChaPoly.nonce(nonce));
            if (ad.length > 0) {
                cipher.updateAAD(ad);
            }
            int written = cipher.doFinal(in, inOffset, length, out, outOffset);
            encryptors.offer(cipher);
            return written;
        } catch (GeneralSecurityException e) {
            throw ChaChaPoly.broken("encryption", e);
        }
    }

    @Override
    public int open(
            SecretKey key, long nonce, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
            throws AEADBadTagException {
        Cipher cipher = borrow(decryptors);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, ChaChaPoly.nonce(nonce));
            if (ad.length > 0) {
                cipher.updateAAD(ad);
            }
            int written = cipher.doFinal(in, inOffset, length, out, outOffset);
            // Only a cipher that finished cleanly goes back: JDK 17 refuses to re-initialise one with
            // the key and nonce of a failed decryption.
            decryptors.offer(cipher);
            return written;
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw ChaChaPoly.broken("decryption", e);
        }
    }

    private static Cipher borrow(ArrayBlockingQueue<Cipher> pool) {
        Cipher cipher = pool.poll();
        if (cipher != null) {
            return cipher;
        }
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw ChaChaPoly.broken("setup", e);
        }
    }

    @Override
    public String toString() {
        return "JDK ChaCha20-Poly1305";
    }
}
