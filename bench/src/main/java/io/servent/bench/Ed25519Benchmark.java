package io.servent.bench;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
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
 * Single-core Ed25519 signing and verification of a gossipsub-sized message (the signed protobuf of a
 * 256-byte message), by the JDK's provider and by BouncyCastle's RFC 8032 code: gossipsub's StrictSign
 * costs one verification per received message, so this is the ceiling on a router's message rate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class Ed25519Benchmark {
    private static final int MESSAGE = 256 + 80;

    @Param({"JDK", "BOUNCYCASTLE"})
    public String engine = "JDK";

    private final byte[] message = new byte[MESSAGE];
    private byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    private KeyPair jdkKeys;
    private final byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
    private final byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
    private Ed25519.PublicPoint point;

    public Ed25519Benchmark() {
        try {
            jdkKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        seed[0] = 1;
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        point = Ed25519.validatePublicKeyFullExport(publicKey, 0);
    }

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        for (int i = 0; i < MESSAGE; i++) {
            message[i] = (byte) i;
        }
        signature = sign();
    }

    @Benchmark
    public byte[] sign() throws GeneralSecurityException {
        if (engine.equals("JDK")) {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(jdkKeys.getPrivate());
            signer.update(message);
            return signer.sign();
        }
        byte[] out = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, out, 0);
        return out;
    }

    @Benchmark
    public boolean verify() throws GeneralSecurityException {
        if (engine.equals("JDK")) {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(jdkKeys.getPublic());
            verifier.update(message);
            return verifier.verify(signature);
        }
        return Ed25519.verify(signature, 0, point, message, 0, message.length);
    }
}
