package io.servent.apps.files;

import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Local reputation of peers as sources, in the files database ({@code reputation} table): the
 * download code records good and bad blocks and stalls, search records spam, and search ranks
 * results from peers with a bad record down. Only this node's own experience; never shared.
 *
 * <p>Thread-safe (through {@link FilesDatabase}); scores are cached and the cache is bounded.
 */
public final class ReputationStore {
    /** Reputation (version 1): one row per peer with counters. */
    static final FilesMigration MIGRATION = new FilesMigration("reputation", 1, java.util.List.of("""
                    CREATE TABLE reputation (
                      peer_id BLOB PRIMARY KEY,
                      good_blocks INTEGER NOT NULL DEFAULT 0,
                      bad_blocks INTEGER NOT NULL DEFAULT 0,
                      stalls INTEGER NOT NULL DEFAULT 0,
                      spam INTEGER NOT NULL DEFAULT 0,
                      updated_ms INTEGER NOT NULL) WITHOUT ROWID"""));

    private static final int MAX_CACHED = 10_000;

    private final FilesDatabase db;
    private final Map<PeerId, Reputation> cache = new ConcurrentHashMap<>();

    public ReputationStore(FilesDatabase db) {
        this.db = db;
    }

    /** {@code count} blocks from {@code peer} verified. */
    public void recordGoodBlocks(PeerId peer, long count) throws IOException {
        add(peer, "good_blocks", count);
    }

    /** A block from {@code peer} failed verification. */
    public void recordBadBlock(PeerId peer) throws IOException {
        add(peer, "bad_blocks", 1);
    }

    /** {@code peer} let a request time out. */
    public void recordStall(PeerId peer) throws IOException {
        add(peer, "stalls", 1);
    }

    /** {@code peer} sent a search hit judged spam. */
    public void recordSpam(PeerId peer) throws IOException {
        add(peer, "spam", 1);
    }

    private void add(PeerId peer, String column, long count) throws IOException {
        if (count < 0) {
            throw new IllegalArgumentException("negative count " + count);
        }
        db.update(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO reputation(peer_id, " + column
                    + ", updated_ms) VALUES (?, ?, ?) ON CONFLICT(peer_id) DO UPDATE SET " + column + " = " + column
                    + " + excluded." + column + ", updated_ms = excluded.updated_ms")) {
                p.setBytes(1, peer.bytes());
                p.setLong(2, count);
                p.setLong(3, System.currentTimeMillis());
                p.executeUpdate();
            }
        });
        cache.remove(peer);
    }

    /** The record of {@code peer} (all zeros for a stranger). */
    public Reputation get(PeerId peer) throws IOException {
        Reputation cached = cache.get(peer);
        if (cached != null) {
            return cached;
        }
        Reputation r = db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT good_blocks, bad_blocks, stalls, spam, updated_ms FROM reputation WHERE peer_id = ?")) {
                p.setBytes(1, peer.bytes());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next()
                            ? new Reputation(
                                    peer, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))
                            : new Reputation(peer, 0, 0, 0, 0, 0);
                }
            }
        });
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(peer, r);
        return r;
    }

    /** {@link Reputation#score()} of {@code peer}; 0 if the database cannot be read. */
    public double score(PeerId peer) {
        try {
            return get(peer).score();
        } catch (IOException e) {
            return 0;
        }
    }
}
