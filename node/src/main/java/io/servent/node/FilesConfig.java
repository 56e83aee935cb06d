package io.servent.node;

import io.servent.p2p.api.Multiaddr;
import java.util.List;
import java.util.Locale;

/**
 * The {@code [files]} settings: where downloads go, whether this node floods as a super-peer, runs
 * an index server, and which index servers it publishes to. Immutable and thread-safe.
 *
 * @param downloadDir folder for finished downloads; a relative path is inside the data directory
 * @param superPeer {@code auto} (elected by uptime, bandwidth and reachability), {@code always} or
 *     {@code never}
 * @param indexServer run a directory (index) server for other peers
 * @param indexServers directory servers to publish to and query, each with {@code /p2p/<PeerId>}
 * @param maxDownloadRate bytes per second all downloads together may fetch; 0 for no limit
 * @param maxUploadRate bytes per second this node may serve to others; 0 for no limit
 */
public record FilesConfig(
        String downloadDir,
        SuperPeer superPeer,
        boolean indexServer,
        List<Multiaddr> indexServers,
        long maxDownloadRate,
        long maxUploadRate) {
    /** At most this many index servers are configured. */
    public static final int MAX_INDEX_SERVERS = 16;

    /** When this node acts as a flooding super-peer. */
    public enum SuperPeer {
        AUTO,
        ALWAYS,
        NEVER;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public FilesConfig {
        if (downloadDir.isBlank()) {
            throw new IllegalArgumentException("the download folder must not be empty");
        }
        indexServers = List.copyOf(indexServers);
        if (maxDownloadRate < 0 || maxUploadRate < 0) {
            throw new IllegalArgumentException("rates are bytes per second, 0 for no limit; not negative");
        }
        if (indexServers.size() > MAX_INDEX_SERVERS) {
            throw new IllegalArgumentException("at most " + MAX_INDEX_SERVERS + " index servers");
        }
        for (Multiaddr a : indexServers) {
            if (a.peerId().isEmpty()) {
                throw new IllegalArgumentException("index server " + a + " must end in /p2p/<PeerId>");
            }
        }
    }

    public static FilesConfig defaults() {
        return new FilesConfig("downloads", SuperPeer.AUTO, false, List.of(), 0, 0);
    }

    public FilesConfig withDownloadDir(String value) {
        return new FilesConfig(value, superPeer, indexServer, indexServers, maxDownloadRate, maxUploadRate);
    }

    public FilesConfig withSuperPeer(SuperPeer value) {
        return new FilesConfig(downloadDir, value, indexServer, indexServers, maxDownloadRate, maxUploadRate);
    }

    public FilesConfig withIndexServer(boolean value) {
        return new FilesConfig(downloadDir, superPeer, value, indexServers, maxDownloadRate, maxUploadRate);
    }

    public FilesConfig withIndexServers(List<Multiaddr> value) {
        return new FilesConfig(downloadDir, superPeer, indexServer, value, maxDownloadRate, maxUploadRate);
    }

    public FilesConfig withMaxDownloadRate(long value) {
        return new FilesConfig(downloadDir, superPeer, indexServer, indexServers, value, maxUploadRate);
    }

    public FilesConfig withMaxUploadRate(long value) {
        return new FilesConfig(downloadDir, superPeer, indexServer, indexServers, maxDownloadRate, value);
    }
}
