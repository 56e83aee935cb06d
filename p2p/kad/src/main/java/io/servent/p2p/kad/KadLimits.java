package io.servent.p2p.kad;

/**
 * Bounds on what remote peers can make this node read, store or remember. Every count a remote peer
 * controls is capped here and checked before anything is allocated.
 *
 * @param maxMessageSize largest response read from a peer we asked (go-libp2p's 4 MiB)
 * @param maxRequestSize largest request read from a stranger; requests carry at most a key and one
 *     record, so this is far smaller
 * @param maxPeersPerMessage closer or provider peers read from one message; the rest are ignored
 * @param maxAddressesPerPeer addresses kept per peer entry of a message; the rest are ignored
 * @param maxKeySize largest record or provider key accepted
 * @param maxValueSize largest record value accepted
 * @param maxRecords records stored for others, in total
 * @param maxRecordsPerPeer records stored on behalf of one peer
 * @param maxProviderEntries provider entries (key, provider) stored, in total
 * @param maxProviderKeysPerPeer keys one peer may be recorded as providing
 * @param maxProvidersPerKey providers kept per key (the most recent win)
 * @param maxProvidedKeys keys this node itself provides and republishes
 */
public record KadLimits(
        int maxMessageSize,
        int maxRequestSize,
        int maxPeersPerMessage,
        int maxAddressesPerPeer,
        int maxKeySize,
        int maxValueSize,
        int maxRecords,
        int maxRecordsPerPeer,
        int maxProviderEntries,
        int maxProviderKeysPerPeer,
        int maxProvidersPerKey,
        int maxProvidedKeys) {

    public KadLimits {
        requirePositive("maxMessageSize", maxMessageSize);
        requirePositive("maxRequestSize", maxRequestSize);
        requirePositive("maxPeersPerMessage", maxPeersPerMessage);
        requirePositive("maxAddressesPerPeer", maxAddressesPerPeer);
        requirePositive("maxKeySize", maxKeySize);
        requirePositive("maxValueSize", maxValueSize);
        requirePositive("maxRecords", maxRecords);
        requirePositive("maxRecordsPerPeer", maxRecordsPerPeer);
        requirePositive("maxProviderEntries", maxProviderEntries);
        requirePositive("maxProviderKeysPerPeer", maxProviderKeysPerPeer);
        requirePositive("maxProvidersPerKey", maxProvidersPerKey);
        requirePositive("maxProvidedKeys", maxProvidedKeys);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    public static KadLimits defaults() {
        return new KadLimits(4 << 20, 64 << 10, 64, 32, 1024, 16 << 10, 4096, 64, 50_000, 4096, 64, 100_000);
    }

    public KadLimits withMaxMessageSize(int value) {
        return new KadLimits(
                value,
                maxRequestSize,
                maxPeersPerMessage,
                maxAddressesPerPeer,
                maxKeySize,
                maxValueSize,
                maxRecords,
                maxRecordsPerPeer,
                maxProviderEntries,
                maxProviderKeysPerPeer,
                maxProvidersPerKey,
                maxProvidedKeys);
    }

    public KadLimits withMaxRequestSize(int value) {
        return new KadLimits(
                maxMessageSize,
                value,
                maxPeersPerMessage,
                maxAddressesPerPeer,
                maxKeySize,
                maxValueSize,
                maxRecords,
                maxRecordsPerPeer,
                maxProviderEntries,
                maxProviderKeysPerPeer,
                maxProvidersPerKey,
                maxProvidedKeys);
    }

    public KadLimits withMaxPeersPerMessage(int value) {
        return new KadLimits(
                maxMessageSize,
                maxRequestSize,
                value,
                maxAddressesPerPeer,
                maxKeySize,
                maxValueSize,
                maxRecords,
                maxRecordsPerPeer,
                maxProviderEntries,
                maxProviderKeysPerPeer,
                maxProvidersPerKey,
                maxProvidedKeys);
    }

    public KadLimits withMaxAddressesPerPeer(int value) {
        return new KadLimits(
                maxMessageSize,
                maxRequestSize,
                maxPeersPerMessage,
                value,
                maxKeySize,
                maxValueSize,
                maxRecords,
                maxRecordsPerPeer,
                maxProviderEntries,
                maxProviderKeysPerPeer,
                maxProvidersPerKey,
                maxProvidedKeys);
    }

    public KadLimits withMaxKeySize(int value) {
        return new KadLimits(
                maxMessageSize,
                maxRequestSize,
                maxPeersPerMessage,
                maxAddressesPerPeer,
                value,
                maxValueSize,
                maxRecords,
                maxRecordsPerPeer,
                maxProviderEntries,
                maxProviderKeysPerPeer,
                maxProvidersPerKey,
                maxProvidedKeys);
    }

    public KadLimits withMaxValueSize(int value) {
        return new KadLimits(
                maxMessageSize,
                maxRequestSize,
                maxPeersPerMessage,
                maxAddressesPerPeer,
                maxKeySize,
                value,
                maxRecords,
                maxRecordsPerPeer,
                maxProviderEntries,
                maxProviderKeysPerPeer,
                maxProvidersPerKey,
                maxProvidedKeys);
    }

    public KadLimits withMaxRecords(int total, int perPeer) {
        return new KadLimits(
                maxMessageSize,
                maxRequestSize,
                maxPeersPerMessage,
                maxAddressesPerPeer,
                maxKeySize,
                maxValueSize,
                total,
                perPeer,
                maxProviderEntries,
                maxProviderKeysPerPeer,
                maxProvidersPerKey,
                maxProvidedKeys);
    }

    public KadLimits withMaxProviders(int entries, int keysPerPeer, int providersPerKey) {
        return new KadLimits(
                maxMessageSize,
                maxRequestSize,
                maxPeersPerMessage,
                maxAddressesPerPeer,
                maxKeySize,
                maxValueSize,
                maxRecords,
                maxRecordsPerPeer,
                entries,
                keysPerPeer,
                providersPerKey,
                maxProvidedKeys);
    }

    public KadLimits withMaxProvidedKeys(int value) {
        return new KadLimits(
                maxMessageSize,
                maxRequestSize,
                maxPeersPerMessage,
                maxAddressesPerPeer,
                maxKeySize,
                maxValueSize,
                maxRecords,
                maxRecordsPerPeer,
                maxProviderEntries,
                maxProviderKeysPerPeer,
                maxProvidersPerKey,
                value);
    }
}
