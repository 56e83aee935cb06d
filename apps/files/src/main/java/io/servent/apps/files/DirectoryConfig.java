package io.servent.apps.files;

import java.time.Duration;

/**
 * Index server and client settings.
 *
 * @param maxPublishers publishers a server holds
 * @param maxEntriesPerPublisher files one publisher may list
 * @param maxEntries files a server holds in total
 * @param publisherTtl a publisher silent this long is forgotten
 * @param maxClockSkew publications stamped further than this from the server's clock are refused
 * @param republishInterval a client re-publishes (or sends an empty heartbeat) this often; well under the TTL
 * @param requestsPerSecond requests per peer per second a server accepts (burst: 5×)
 */
public record DirectoryConfig(
        int maxPublishers,
        int maxEntriesPerPublisher,
        int maxEntries,
        Duration publisherTtl,
        Duration maxClockSkew,
        Duration republishInterval,
        double requestsPerSecond) {
    public DirectoryConfig {
        if (maxPublishers < 1 || maxEntriesPerPublisher < 1 || maxEntries < 1 || requestsPerSecond <= 0) {
            throw new IllegalArgumentException("directory limits must be positive");
        }
        if (republishInterval.compareTo(publisherTtl) >= 0) {
            throw new IllegalArgumentException("republishInterval must be shorter than publisherTtl");
        }
    }

    public static DirectoryConfig defaults() {
        return new DirectoryConfig(
                10_000, 20_000, 2_000_000, Duration.ofMinutes(15), Duration.ofMinutes(5), Duration.ofMinutes(4), 10);
    }

    public DirectoryConfig withPublisherTtl(Duration ttl, Duration republish) {
        return new DirectoryConfig(
                maxPublishers, maxEntriesPerPublisher, maxEntries, ttl, maxClockSkew, republish, requestsPerSecond);
    }

    public DirectoryConfig withMaxEntriesPerPublisher(int value) {
        return new DirectoryConfig(
                maxPublishers, value, maxEntries, publisherTtl, maxClockSkew, republishInterval, requestsPerSecond);
    }

    public DirectoryConfig withRequestsPerSecond(double value) {
        return new DirectoryConfig(
                maxPublishers,
                maxEntriesPerPublisher,
                maxEntries,
                publisherTtl,
                maxClockSkew,
                republishInterval,
                value);
    }
}
