package io.servent.p2p.kad;

import java.time.Duration;

/**
 * How a {@link KadDht} routes, times out, refreshes and stores.
 *
 * @param protocol the DHT's protocol id; a private DHT uses its own so it never mixes with the public one
 * @param mode client or server at start; {@link KadDht#setMode} changes it later
 * @param k bucket size and replication factor (the spec's k)
 * @param alpha concurrent requests per lookup path (the spec's α)
 * @param disjointPaths S/Kademlia disjoint lookup paths; 1 is the plain Kademlia lookup
 * @param requestTimeout bound on one request: opening the stream, sending, and the response
 * @param lookupTimeout global deadline of one lookup, however many peers it still has to ask
 * @param streamIdleTimeout how long an inbound stream may wait for its next request
 * @param refreshInterval period of bucket refresh and of the liveness sweep; also the self-lookup period
 * @param livenessCheckAfter a table peer unheard of for longer is checked before it keeps its slot against a newcomer
 * @param replacementCacheSize candidates remembered per full bucket, promoted when a member is evicted
 * @param maxFailures consecutive failed requests after which a table peer is evicted
 * @param quorum GET_VALUE stops after this many records (the spec's Q)
 * @param providerTtl how long a provider record is kept (48 h)
 * @param provideInterval how often this node republishes what it provides (22 h)
 * @param recordTtl how long a stored value record is kept after it was received (36 h, as go)
 * @param ipDiversity peers per IP group in a bucket and in the table
 * @param limits bounds on messages and storage
 */
public record KadConfig(
        String protocol,
        KadMode mode,
        int k,
        int alpha,
        int disjointPaths,
        Duration requestTimeout,
        Duration lookupTimeout,
        Duration streamIdleTimeout,
        Duration refreshInterval,
        Duration livenessCheckAfter,
        int replacementCacheSize,
        int maxFailures,
        int quorum,
        Duration providerTtl,
        Duration provideInterval,
        Duration recordTtl,
        KadIpDiversity ipDiversity,
        KadLimits limits) {

    /** The protocol of the public libp2p (IPFS) DHT. */
    public static final String DEFAULT_PROTOCOL = "/ipfs/kad/1.0.0";

    public KadConfig {
        if (!protocol.startsWith("/")) {
            throw new IllegalArgumentException("protocol ids start with '/': " + protocol);
        }
        requirePositive("k", k);
        requirePositive("alpha", alpha);
        requirePositive("disjointPaths", disjointPaths);
        requirePositive("replacementCacheSize", replacementCacheSize);
        requirePositive("maxFailures", maxFailures);
        requirePositive("quorum", quorum);
        requirePositive("requestTimeout", requestTimeout);
        requirePositive("lookupTimeout", lookupTimeout);
        requirePositive("streamIdleTimeout", streamIdleTimeout);
        requirePositive("refreshInterval", refreshInterval);
        requirePositive("livenessCheckAfter", livenessCheckAfter);
        requirePositive("providerTtl", providerTtl);
        requirePositive("provideInterval", provideInterval);
        requirePositive("recordTtl", recordTtl);
        if (provideInterval.compareTo(providerTtl) >= 0) {
            throw new IllegalArgumentException("provideInterval (" + provideInterval
                    + ") must be shorter than providerTtl (" + providerTtl + ") or provider records lapse");
        }
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    /** The spec's parameters (k = 20, α = 3) and go-libp2p's timings. */
    public static KadConfig defaults() {
        return new KadConfig(
                DEFAULT_PROTOCOL,
                KadMode.SERVER,
                20,
                3,
                1,
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Duration.ofSeconds(30),
                Duration.ofMinutes(10),
                Duration.ofMinutes(1),
                10,
                2,
                16,
                Duration.ofHours(48),
                Duration.ofHours(22),
                Duration.ofHours(36),
                KadIpDiversity.defaults(),
                KadLimits.defaults());
    }

    public KadConfig withProtocol(String value) {
        return new KadConfig(
                value,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withMode(KadMode value) {
        return new KadConfig(
                protocol,
                value,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withK(int value) {
        return new KadConfig(
                protocol,
                mode,
                value,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withAlpha(int value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                value,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withDisjointPaths(int value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                value,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withRequestTimeout(Duration value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                value,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withLookupTimeout(Duration value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                value,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withStreamIdleTimeout(Duration value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                value,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withRefreshInterval(Duration value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                value,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withLivenessCheckAfter(Duration value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                value,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withReplacementCacheSize(int value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                value,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withMaxFailures(int value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                value,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withQuorum(int value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                value,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withProviderTtl(Duration value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                value,
                provideInterval,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withProvideInterval(Duration value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                value,
                recordTtl,
                ipDiversity,
                limits);
    }

    public KadConfig withRecordTtl(Duration value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                value,
                ipDiversity,
                limits);
    }

    public KadConfig withIpDiversity(KadIpDiversity value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                value,
                limits);
    }

    public KadConfig withLimits(KadLimits value) {
        return new KadConfig(
                protocol,
                mode,
                k,
                alpha,
                disjointPaths,
                requestTimeout,
                lookupTimeout,
                streamIdleTimeout,
                refreshInterval,
                livenessCheckAfter,
                replacementCacheSize,
                maxFailures,
                quorum,
                providerTtl,
                provideInterval,
                recordTtl,
                ipDiversity,
                value);
    }
}
