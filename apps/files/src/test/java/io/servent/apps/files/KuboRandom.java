package io.servent.apps.files;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * kubo's deterministic test data ({@code test/cli/testutils/random_deterministic.go}): the ChaCha20
 * key stream (zero nonce, counter 0) under the key SHA-256(seed). Lets us rebuild the files behind the
 * CIDs kubo's own tests publish.
 */
final class KuboRandom {
    private final Cipher cipher;

    KuboRandom(String seed) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            cipher = Cipher.getInstance("ChaCha20");
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    new SecretKeySpec(key, "ChaCha20"),
                    new ChaCha20ParameterSpec(new byte[12], 0));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code buffer.length} bytes of the stream. */
    void next(byte[] buffer) {
        byte[] zeros = new byte[buffer.length];
        try {
            int n = cipher.update(zeros, 0, zeros.length, buffer, 0);
            if (n != buffer.length) {
                throw new IllegalStateException("ChaCha20 returned " + n + " of " + buffer.length + " bytes");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
