package io.servent.apps.files;

import java.time.Duration;

/**
 * Limits of the serving side of {@code /servent/blocks/1.0.0}.
 *
 * @param maxStreamsPerPeer block streams one peer may have open to us at once (more are reset)
 * @param maxQueuedWants wants one stream may have waiting (more is a protocol violation)
 * @param wantsPerSecondPerPeer wants (blocks and haves) served per second per peer; faster
 *     requesters are paced, not refused
 * @param uploadBytesPerSecond all block bytes served per second ({@link Long#MAX_VALUE}: unlimited)
 * @param uploadBytesPerSecondPerPeer block bytes served per second to one peer
 * @param idleTimeout a stream with nothing asked for this long is closed
 */
public record BlockExchangeConfig(
        int maxStreamsPerPeer,
        int maxQueuedWants,
        int wantsPerSecondPerPeer,
        long uploadBytesPerSecond,
        long uploadBytesPerSecondPerPeer,
        Duration idleTimeout) {
    public BlockExchangeConfig {
        if (maxStreamsPerPeer < 1 || maxQueuedWants < 1 || wantsPerSecondPerPeer < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (uploadBytesPerSecond < 1 || uploadBytesPerSecondPerPeer < 1) {
            throw new IllegalArgumentException("upload rates must be positive");
        }
    }

    public static BlockExchangeConfig defaults() {
        return new BlockExchangeConfig(
                32, 512, 4000, SwarmTokenBucket.UNLIMITED, SwarmTokenBucket.UNLIMITED, Duration.ofMinutes(5));
    }

    public BlockExchangeConfig withUploadBytesPerSecond(long value) {
        return new BlockExchangeConfig(
                maxStreamsPerPeer,
                maxQueuedWants,
                wantsPerSecondPerPeer,
                value,
                uploadBytesPerSecondPerPeer,
                idleTimeout);
    }

    public BlockExchangeConfig withUploadBytesPerSecondPerPeer(long value) {
        return new BlockExchangeConfig(
                maxStreamsPerPeer, maxQueuedWants, wantsPerSecondPerPeer, uploadBytesPerSecond, value, idleTimeout);
    }

    public BlockExchangeConfig withWantsPerSecondPerPeer(int value) {
        return new BlockExchangeConfig(
                maxStreamsPerPeer,
                maxQueuedWants,
                value,
                uploadBytesPerSecond,
                uploadBytesPerSecondPerPeer,
                idleTimeout);
    }

    public BlockExchangeConfig withMaxStreamsPerPeer(int value) {
        return new BlockExchangeConfig(
                value,
                maxQueuedWants,
                wantsPerSecondPerPeer,
                uploadBytesPerSecond,
                uploadBytesPerSecondPerPeer,
                idleTimeout);
    }
}
