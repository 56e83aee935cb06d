package io.servent.p2p.noise;

/** Where the ChaCha20-Poly1305 implementation comes from. */
public enum NoiseCipherProvider {
    /** BoringSSL through Conscrypt's native library: about 4x the JDK on x86-64 without AVX-512. */
    CONSCRYPT,
    /** The JDK's own SunJCE provider: always present, slower. */
    JDK
}
