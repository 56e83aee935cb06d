package io.servent.p2p.noise;

import java.time.Duration;
import java.util.List;

/**
 * Settings of {@link NoiseSecurity}. Immutable.
 *
 * @param handshakeTimeout the whole handshake must finish within this time
 * @param maxHandshakePayloadSize the largest libp2p handshake payload accepted from a peer (identity
 *     key, signature and extensions); checked before anything is allocated
 * @param cipherProviders ChaCha20-Poly1305 implementations in order of preference; the first one that
 *     works on this machine is used
 */
public record NoiseConfig(
        Duration handshakeTimeout, int maxHandshakePayloadSize, List<NoiseCipherProvider> cipherProviders) {
    /** Room for an RSA-4096 identity key, its signature and extensions, with a wide margin. */
    public static final int DEFAULT_MAX_HANDSHAKE_PAYLOAD_SIZE = 16 * 1024;

    public NoiseConfig {
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive, not " + handshakeTimeout);
        }
        int largest = NoiseHandshake.MAX_MESSAGE_LENGTH - NoiseHandshake.overhead(1);
        if (maxHandshakePayloadSize < 1 || maxHandshakePayloadSize > largest) {
            throw new IllegalArgumentException(
                    "max handshake payload size must be in [1, " + largest + "], not " + maxHandshakePayloadSize);
        }
        if (cipherProviders.isEmpty()) {
            throw new IllegalArgumentException("at least one cipher provider is needed");
        }
        cipherProviders = List.copyOf(cipherProviders);
    }

    /** 10 s handshake timeout, 16 KiB payloads, Conscrypt when it loads and the JDK otherwise. */
    public static NoiseConfig defaults() {
        return new NoiseConfig(
                Duration.ofSeconds(10),
                DEFAULT_MAX_HANDSHAKE_PAYLOAD_SIZE,
                List.of(NoiseCipherProvider.CONSCRYPT, NoiseCipherProvider.JDK));
    }

    public NoiseConfig withHandshakeTimeout(Duration timeout) {
        return new NoiseConfig(timeout, maxHandshakePayloadSize, cipherProviders);
    }

    public NoiseConfig withMaxHandshakePayloadSize(int size) {
        return new NoiseConfig(handshakeTimeout, size, cipherProviders);
    }

    public NoiseConfig withCipherProviders(List<NoiseCipherProvider> providers) {
        return new NoiseConfig(handshakeTimeout, maxHandshakePayloadSize, providers);
    }
}
