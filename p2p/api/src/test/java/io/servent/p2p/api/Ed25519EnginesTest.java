package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BouncyCastle's and the JDK's Ed25519 agree: the RFC 8032 vectors hold on both, each verifies the
 * other's signatures, and both refuse the same bad keys. A quick measurement of both is printed on
 * request: {@code mvn -pl p2p/api verify -Dservent.measure=true}.
 */
@Timeout(120)
class Ed25519EnginesTest {
    /** RFC 8032 section 7.1 TEST 3: seed, public key, message, signature. */
    private static final String SEED = "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7";

    private static final String PUBLIC = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025";
    private static final String MESSAGE = "af82";
    private static final String SIGNATURE = "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
            + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a";

    static List<Ed25519Engine> engines() {
        return List.of(Ed25519Engine.preferred(), JdkEd25519Engine.INSTANCE);
    }

    @Test
    void bouncyCastleIsPreferredWhenPresent() {
        assertThat(Ed25519Engine.preferred()).isInstanceOf(BouncyCastleEd25519Engine.class);
        assertThat(Ed25519PrivateKey.generate().publicKey().engine()).isSameAs(Ed25519Engine.preferred());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void rfc8032VectorOnEachEngine(Ed25519Engine engine) {
        Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(Hex.bytes(SEED), engine);
        assertThat(Hex.of(key.publicKey().raw())).isEqualTo(PUBLIC);
        assertThat(Hex.of(key.sign(Hex.bytes(MESSAGE)))).isEqualTo(SIGNATURE);
        Ed25519PublicKey parsed = Ed25519PublicKey.fromRaw(Hex.bytes(PUBLIC), engine);
        assertThat(parsed.verify(Hex.bytes(MESSAGE), Hex.bytes(SIGNATURE))).isTrue();
        byte[] tampered = Hex.bytes(SIGNATURE);
        tampered[40] ^= 1;
        assertThat(parsed.verify(Hex.bytes(MESSAGE), tampered)).isFalse();
    }

    @Test
    void eachEngineVerifiesTheOthersSignatures() {
        byte[] data = new byte[300];
        new SecureRandom().nextBytes(data);
        for (Ed25519Engine signer : engines()) {
            Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(JdkEd25519Engine.INSTANCE.generateSeed(), signer);
            byte[] signature = key.sign(data);
            for (Ed25519Engine verifier : engines()) {
                Ed25519PublicKey publicKey =
                        Ed25519PublicKey.fromRaw(key.publicKey().raw(), verifier);
                assertThat(publicKey.verify(data, signature))
                        .as("%s verifies %s", verifier.name(), signer.name())
                        .isTrue();
                data[0] ^= 1;
                assertThat(publicKey.verify(data, signature)).isFalse();
                data[0] ^= 1;
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void bothEnginesRefuseEncodingsThatAreNoPointAndKeepTheIdentity(Ed25519Engine engine) {
        byte[] notOnCurve = new byte[32];
        notOnCurve[0] = 2;
        assertThatThrownBy(() -> Ed25519PublicKey.fromRaw(notOnCurve, engine))
                .isInstanceOf(MultiformatException.class)
                .hasMessageContaining("does not encode a point on the curve");
        byte[] identity = new byte[32];
        identity[0] = 1;
        Ed25519PublicKey neutral = Ed25519PublicKey.fromRaw(identity, engine);
        // A point of small order is a key, but no signature made with it should be trusted.
        assertThat(neutral.verify("x".getBytes(StandardCharsets.UTF_8), new byte[64]))
                .isFalse();
    }

    @Test
    @EnabledIfSystemProperty(named = "servent.measure", matches = "true")
    void measureVerificationsAndSignaturesPerSecond() {
        byte[] data = new byte[200];
        new SecureRandom().nextBytes(data);
        for (Ed25519Engine engine : engines()) {
            Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(engine.generateSeed(), engine);
            byte[] signature = key.sign(data);
            Ed25519PublicKey publicKey = key.publicKey();
            double verifies = 0;
            double signs = 0;
            for (int round = 0; round < 3; round++) { // the last round counts: the first ones warm up the JIT
                verifies = rate(() -> publicKey.verify(data, signature));
                signs = rate(() -> key.sign(data).length == 64);
            }
            System.out.printf(
                    "Ed25519 %-12s verify %,8.0f/s  sign %,8.0f/s (one thread, 200-byte messages)%n",
                    engine.name(), verifies, signs);
        }
    }

    private static double rate(java.util.function.BooleanSupplier operation) {
        long start = System.nanoTime();
        long deadline = start + 1_000_000_000L;
        int count = 0;
        while (System.nanoTime() < deadline) {
            if (!operation.getAsBoolean()) {
                throw new AssertionError("operation failed");
            }
            count++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }
}
