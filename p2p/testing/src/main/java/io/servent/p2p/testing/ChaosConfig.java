package io.servent.p2p.testing;

import java.time.Duration;

/**
 * What a {@link Chaos} does to the bytes each connection sends. Every write is cut into chunks of at
 * most 64 KiB; each chunk is delayed, paced, stalled or kills the connection as configured here.
 * Chunks always arrive in order.
 *
 * @param latency one-way delay added to every chunk
 * @param jitter extra delay drawn uniformly from {@code [0, jitter]} per chunk (never reorders)
 * @param bytesPerSecond a bandwidth cap per connection and direction; 0 for none
 * @param stallProbability chance that a chunk is held back by {@code stall}, as if lost and
 *     retransmitted; later chunks wait behind it
 * @param stall how long a stalled chunk is held back
 * @param dropProbability chance per chunk that the connection is killed instead (both ends see it fail)
 * @param maxQueuedBytes bytes a connection may have in flight before writes block (back-pressure);
 *     with {@code latency} it caps throughput at {@code maxQueuedBytes / latency}, as a window does
 */
public record ChaosConfig(
        Duration latency,
        Duration jitter,
        long bytesPerSecond,
        double stallProbability,
        Duration stall,
        double dropProbability,
        int maxQueuedBytes) {
    public static final int DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;

    public ChaosConfig {
        requireNonNegative("latency", latency);
        requireNonNegative("jitter", jitter);
        requireNonNegative("stall", stall);
        requireProbability("stallProbability", stallProbability);
        requireProbability("dropProbability", dropProbability);
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must not be negative: " + bytesPerSecond);
        }
        if (maxQueuedBytes <= 0) {
            throw new IllegalArgumentException("maxQueuedBytes must be positive: " + maxQueuedBytes);
        }
    }

    /** No chaos: bytes pass straight through. */
    public static ChaosConfig defaults() {
        return new ChaosConfig(Duration.ZERO, Duration.ZERO, 0, 0, Duration.ZERO, 0, DEFAULT_MAX_QUEUED_BYTES);
    }

    public ChaosConfig withLatency(Duration latency) {
        return new ChaosConfig(
                latency, jitter, bytesPerSecond, stallProbability, stall, dropProbability, maxQueuedBytes);
    }

    public ChaosConfig withJitter(Duration jitter) {
        return new ChaosConfig(
                latency, jitter, bytesPerSecond, stallProbability, stall, dropProbability, maxQueuedBytes);
    }

    public ChaosConfig withBandwidth(long bytesPerSecond) {
        return new ChaosConfig(
                latency, jitter, bytesPerSecond, stallProbability, stall, dropProbability, maxQueuedBytes);
    }

    public ChaosConfig withStalls(double stallProbability, Duration stall) {
        return new ChaosConfig(
                latency, jitter, bytesPerSecond, stallProbability, stall, dropProbability, maxQueuedBytes);
    }

    public ChaosConfig withDropProbability(double dropProbability) {
        return new ChaosConfig(
                latency, jitter, bytesPerSecond, stallProbability, stall, dropProbability, maxQueuedBytes);
    }

    public ChaosConfig withMaxQueuedBytes(int maxQueuedBytes) {
        return new ChaosConfig(
                latency, jitter, bytesPerSecond, stallProbability, stall, dropProbability, maxQueuedBytes);
    }

    /** Whether chunks go out at once, unqueued (drops may still happen). */
    boolean immediate() {
        return latency.isZero() && jitter.isZero() && bytesPerSecond == 0 && stallProbability == 0;
    }

    private static void requireNonNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }

    private static void requireProbability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1]: " + value);
        }
    }
}
