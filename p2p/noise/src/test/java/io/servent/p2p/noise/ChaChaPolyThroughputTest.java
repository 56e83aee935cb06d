package io.servent.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Both ChaCha20-Poly1305 providers agree byte for byte, and a quick measurement of each on 64 KiB
 * Noise frames through the same code path the transport uses (pooled ciphers, in place). The numbers
 * are printed for the record; the JMH benchmark in {@code bench/} is the real measurement.
 *
 * <p>Measurements run only when asked: {@code mvn -pl p2p/noise -am verify -Dservent.measure=true}.
 */
@Timeout(120)
class ChaChaPolyThroughputTest {
    private static final int FRAME_PLAINTEXT = NoiseOutputStream.MAX_PLAINTEXT;

    private static List<ChaChaPoly> available() {
        List<ChaChaPoly> providers = new ArrayList<>();
        ConscryptChaChaPoly.instance().ifPresent(providers::add);
        providers.add(JdkChaChaPoly.INSTANCE);
        return providers;
    }

    @Test
    void providersProduceIdenticalCiphertexts() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int length : new int[] {0, 1, 63, 64, 65, 1000, FRAME_PLAINTEXT}) {
            byte[] rawKey = new byte[32];
            random.nextBytes(rawKey);
            SecretKey key = ChaChaPoly.key(rawKey);
            byte[] ad = new byte[length % 40];
            random.nextBytes(ad);
            byte[] plaintext = new byte[length];
            random.nextBytes(plaintext);
            long nonce = random.nextLong();
            List<byte[]> outputs = new ArrayList<>();
            for (ChaChaPoly aead : available()) {
                byte[] sealed = new byte[length + 16];
                assertThat(aead.seal(key, nonce, ad, plaintext, 0, length, sealed, 0))
                        .isEqualTo(length + 16);
                outputs.add(sealed);
                for (ChaChaPoly other : available()) {
                    byte[] opened = new byte[length];
                    assertThat(other.open(key, nonce, ad, sealed, 0, sealed.length, opened, 0))
                            .isEqualTo(length);
                    assertThat(opened).isEqualTo(plaintext);
                }
            }
            assertThat(outputs).allSatisfy(o -> assertThat(o).isEqualTo(outputs.getFirst()));
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "servent.measure", matches = "true")
    void measureSealAndOpenOn64KibFrames() throws Exception {
        byte[] rawKey = new byte[32];
        new SecureRandom().nextBytes(rawKey);
        SecretKey key = ChaChaPoly.key(rawKey);
        byte[] ad = new byte[0];
        byte[] frame = new byte[FRAME_PLAINTEXT + 16];
        new SecureRandom().nextBytes(frame);
        for (ChaChaPoly aead : available()) {
            long nonce = 0;
            double sealMbps = 0;
            double openMbps = 0;
            for (int round = 0; round < 2; round++) { // the first round is JIT warm-up
                long start = System.nanoTime();
                long deadline = start + 1_000_000_000L;
                long sealed = 0;
                long firstNonce = nonce;
                while (System.nanoTime() < deadline) {
                    aead.seal(key, nonce++, ad, frame, 0, FRAME_PLAINTEXT, frame, 0);
                    sealed += FRAME_PLAINTEXT;
                }
                sealMbps = sealed / ((System.nanoTime() - start) / 1e9) / 1e6;
                // Open a ring of distinct frames: consecutive opens never repeat a key and nonce
                // (JDK 17 refuses that even for decryption).
                int ring = 32;
                byte[][] ciphertexts = new byte[ring][];
                long ringStart = nonce;
                for (int i = 0; i < ring; i++) {
                    ciphertexts[i] = new byte[FRAME_PLAINTEXT + 16];
                    aead.seal(key, nonce++, ad, frame, 0, FRAME_PLAINTEXT, ciphertexts[i], 0);
                }
                byte[] out = new byte[FRAME_PLAINTEXT];
                start = System.nanoTime();
                deadline = start + 1_000_000_000L;
                long opened = 0;
                for (int i = 0; System.nanoTime() < deadline; i = (i + 1) % ring) {
                    aead.open(key, ringStart + i, ad, ciphertexts[i], 0, ciphertexts[i].length, out, 0);
                    opened += FRAME_PLAINTEXT;
                }
                openMbps = opened / ((System.nanoTime() - start) / 1e9) / 1e6;
                assertThat(nonce).isGreaterThan(firstNonce);
            }
            System.out.printf(
                    "%s: seal %.0f MB/s, open %.0f MB/s (64 KiB frames, one thread)%n", aead, sealMbps, openMbps);
            assertThat(sealMbps).isPositive();
            assertThat(openMbps).isPositive();
        }
    }
}
