package io.servent.apps.files;

import java.time.Duration;

/**
 * Settings of {@link Downloads}.
 *
 * @param maxActive downloads running at once; more wait as queued
 * @param maxPeers providers one download fetches from at once
 * @param downloadBytesPerSecond all downloads together ({@link Long#MAX_VALUE}: unlimited)
 * @param downloadBytesPerSecondPerPeer from one provider
 * @param initialDepth requests outstanding per peer before its throughput is known
 * @param maxDepth most requests outstanding per peer
 * @param pipelineTime pipeline depth covers this much of a peer's measured throughput
 * @param stallTimeout a peer with requests outstanding that sends nothing this long is dropped
 * @param requestTimeout a single request for a DAG node is given up after this long
 * @param providerRefresh how often a download short of peers asks the {@link ProviderSource} again
 * @param retryDelay how long before a peer whose connection failed is tried again
 * @param reserveBytes space left free on the destination volume; below it the download pauses
 * @param diskRetry how often a download paused for a full disk checks for space again
 * @param exchange limits of the serving side
 */
public record DownloadConfig(
        int maxActive,
        int maxPeers,
        long downloadBytesPerSecond,
        long downloadBytesPerSecondPerPeer,
        int initialDepth,
        int maxDepth,
        Duration pipelineTime,
        Duration stallTimeout,
        Duration requestTimeout,
        Duration providerRefresh,
        Duration retryDelay,
        long reserveBytes,
        Duration diskRetry,
        BlockExchangeConfig exchange) {
    public DownloadConfig {
        if (maxActive < 1 || maxPeers < 1 || initialDepth < 1 || maxDepth < initialDepth) {
            throw new IllegalArgumentException("counts must be positive and maxDepth >= initialDepth");
        }
        if (downloadBytesPerSecond < 1 || downloadBytesPerSecondPerPeer < 1 || reserveBytes < 0) {
            throw new IllegalArgumentException("rates must be positive and the reserve not negative");
        }
    }

    public static DownloadConfig defaults() {
        return new DownloadConfig(
                4,
                16,
                SwarmTokenBucket.UNLIMITED,
                SwarmTokenBucket.UNLIMITED,
                4,
                32,
                Duration.ofMillis(250),
                Duration.ofSeconds(20),
                Duration.ofSeconds(20),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                64L << 20,
                Duration.ofSeconds(10),
                BlockExchangeConfig.defaults());
    }

    public DownloadConfig withDownloadBytesPerSecond(long value) {
        return new DownloadConfig(
                maxActive,
                maxPeers,
                value,
                downloadBytesPerSecondPerPeer,
                initialDepth,
                maxDepth,
                pipelineTime,
                stallTimeout,
                requestTimeout,
                providerRefresh,
                retryDelay,
                reserveBytes,
                diskRetry,
                exchange);
    }

    public DownloadConfig withDownloadBytesPerSecondPerPeer(long value) {
        return new DownloadConfig(
                maxActive,
                maxPeers,
                downloadBytesPerSecond,
                value,
                initialDepth,
                maxDepth,
                pipelineTime,
                stallTimeout,
                requestTimeout,
                providerRefresh,
                retryDelay,
                reserveBytes,
                diskRetry,
                exchange);
    }

    public DownloadConfig withStallTimeout(Duration value) {
        return new DownloadConfig(
                maxActive,
                maxPeers,
                downloadBytesPerSecond,
                downloadBytesPerSecondPerPeer,
                initialDepth,
                maxDepth,
                pipelineTime,
                value,
                requestTimeout,
                providerRefresh,
                retryDelay,
                reserveBytes,
                diskRetry,
                exchange);
    }

    public DownloadConfig withRetryDelay(Duration value) {
        return new DownloadConfig(
                maxActive,
                maxPeers,
                downloadBytesPerSecond,
                downloadBytesPerSecondPerPeer,
                initialDepth,
                maxDepth,
                pipelineTime,
                stallTimeout,
                requestTimeout,
                providerRefresh,
                value,
                reserveBytes,
                diskRetry,
                exchange);
    }

    public DownloadConfig withReserveBytes(long value) {
        return new DownloadConfig(
                maxActive,
                maxPeers,
                downloadBytesPerSecond,
                downloadBytesPerSecondPerPeer,
                initialDepth,
                maxDepth,
                pipelineTime,
                stallTimeout,
                requestTimeout,
                providerRefresh,
                retryDelay,
                value,
                diskRetry,
                exchange);
    }

    public DownloadConfig withDiskRetry(Duration value) {
        return new DownloadConfig(
                maxActive,
                maxPeers,
                downloadBytesPerSecond,
                downloadBytesPerSecondPerPeer,
                initialDepth,
                maxDepth,
                pipelineTime,
                stallTimeout,
                requestTimeout,
                providerRefresh,
                retryDelay,
                reserveBytes,
                value,
                exchange);
    }

    public DownloadConfig withExchange(BlockExchangeConfig value) {
        return new DownloadConfig(
                maxActive,
                maxPeers,
                downloadBytesPerSecond,
                downloadBytesPerSecondPerPeer,
                initialDepth,
                maxDepth,
                pipelineTime,
                stallTimeout,
                requestTimeout,
                providerRefresh,
                retryDelay,
                reserveBytes,
                diskRetry,
                value);
    }
}
