package io.servent.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.conscrypt.Conscrypt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-core ChaCha20-Poly1305 on full Noise transport frames ({@value #PLAINTEXT} plaintext bytes,
 * the most one 64 KiB Noise message carries), as Noise uses it: a fresh {@code init} with the next
 * counter nonce per frame, no associated data. Each provider runs on its fastest input: the JDK on
 * byte arrays, Conscrypt (BoringSSL) on direct buffers, so the score is the cipher's own limit, the
 * ceiling for one encrypting or decrypting core. Throughput is in frames per second; {@link
 * BenchRunner} turns it into MB/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(1)
public class AeadBenchmark {
    /** 65535-byte Noise message less the 16-byte tag. */
    public static final int PLAINTEXT = 65535 - 16;

    private static final int TAG = 16;
    /** Distinct sealed frames to open in turn, so no two consecutive inits repeat a key and nonce. */
    private static final int SEALED = 8;

    @Param({"JDK", "CONSCRYPT"})
    public String provider = "JDK";

    private Cipher cipher;
    private SecretKeySpec key;
    private long nonce;
    private boolean direct;

    private byte[] plainArray;
    private byte[] outArray;
    private byte[][] sealedArrays;
    private ByteBuffer plainBuffer;
    private ByteBuffer outBuffer;
    private ByteBuffer[] sealedBuffers;

    public AeadBenchmark() {
        // JMH sets the fields in setup(); these placeholders keep them non-null for NullAway.
        try {
            cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        key = new SecretKeySpec(new byte[32], "ChaCha20");
        plainArray = new byte[0];
        outArray = new byte[0];
        sealedArrays = new byte[0][];
        plainBuffer = ByteBuffer.allocate(0);
        outBuffer = ByteBuffer.allocate(0);
        sealedBuffers = new ByteBuffer[0];
    }

    @Setup(Level.Trial)
    public void setup() throws GeneralSecurityException {
        Provider chosen;
        if (provider.equals("CONSCRYPT")) {
            if (!Conscrypt.isAvailable()) {
                throw new IllegalStateException("Conscrypt's native library does not load here");
            }
            chosen = Conscrypt.newProvider();
            direct = true;
        } else {
            chosen = Cipher.getInstance("ChaCha20-Poly1305").getProvider();
            direct = false;
        }
        cipher = Cipher.getInstance("ChaCha20-Poly1305", chosen);
        byte[] rawKey = new byte[32];
        new java.util.Random(1).nextBytes(rawKey);
        key = new SecretKeySpec(rawKey, "ChaCha20");
        plainArray = new byte[PLAINTEXT];
        new java.util.Random(2).nextBytes(plainArray);
        outArray = new byte[PLAINTEXT + TAG];
        plainBuffer = ByteBuffer.allocateDirect(PLAINTEXT).put(plainArray).flip();
        outBuffer = ByteBuffer.allocateDirect(PLAINTEXT + TAG);
        sealedArrays = new byte[SEALED][];
        sealedBuffers = new ByteBuffer[SEALED];
        for (int i = 0; i < SEALED; i++) {
            cipher.init(Cipher.ENCRYPT_MODE, key, iv(1_000_000 + i));
            sealedArrays[i] = cipher.doFinal(plainArray);
            sealedBuffers[i] = ByteBuffer.allocateDirect(PLAINTEXT + TAG)
                    .put(sealedArrays[i])
                    .flip();
        }
        nonce = 0;
    }

    private static IvParameterSpec iv(long counter) {
        byte[] iv = new byte[12];
        ByteBuffer.wrap(iv).order(ByteOrder.LITTLE_ENDIAN).putLong(4, counter);
        return new IvParameterSpec(iv);
    }

    @Benchmark
    public int seal() throws GeneralSecurityException {
        cipher.init(Cipher.ENCRYPT_MODE, key, iv(nonce++));
        if (direct) {
            return cipher.doFinal(plainBuffer.duplicate(), outBuffer.clear());
        }
        return cipher.doFinal(plainArray, 0, PLAINTEXT, outArray, 0);
    }

    @Benchmark
    public int open() throws GeneralSecurityException {
        int i = (int) (nonce++ % SEALED);
        cipher.init(Cipher.DECRYPT_MODE, key, iv(1_000_000 + i));
        if (direct) {
            return cipher.doFinal(sealedBuffers[i].duplicate(), outBuffer.clear());
        }
        return cipher.doFinal(sealedArrays[i], 0, PLAINTEXT + TAG, outArray, 0);
    }
}
