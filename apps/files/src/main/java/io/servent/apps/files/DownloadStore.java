package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multihash;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The downloads' rows in the {@link FilesDatabase} ({@link DownloadSchema}). Thread-safe (the
 * database serialises access).
 */
final class DownloadStore {
    /** A download as stored. */
    record Row(
            long id,
            Cid root,
            String name,
            Path directory,
            boolean sequential,
            DownloadState state,
            long size,
            Optional<String> error,
            Optional<Path> path) {}

    /** Where a verified leaf of a finished download lives. */
    record StoredLeaf(Path file, long offset, int length, Cid cid) {}

    private final FilesDatabase db;

    DownloadStore(FilesDatabase db) {
        this.db = db;
    }

    long insert(Cid root, String name, Path directory, boolean sequential) throws IOException {
        return db.write(c -> {
            try (PreparedStatement p =
                    c.prepareStatement("INSERT INTO downloads(root_cid, name, dest_dir, sequential, state, created_ms)"
                            + " VALUES (?, ?, ?, ?, ?, ?)")) {
                p.setBytes(1, root.bytes());
                p.setString(2, name);
                p.setString(3, directory.toString());
                p.setInt(4, sequential ? 1 : 0);
                p.setString(5, DownloadState.QUEUED.wire());
                p.setLong(6, System.currentTimeMillis());
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("SELECT last_insert_rowid()");
                    ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    List<Row> all() throws IOException {
        return db.read(c -> {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                            "SELECT id, root_cid, name, dest_dir, sequential, state, size, error, path"
                                    + " FROM downloads ORDER BY id");
                    ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String error = rs.getString(8);
                    String path = rs.getString(9);
                    rows.add(new Row(
                            rs.getLong(1),
                            Cid.fromBytes(rs.getBytes(2)),
                            rs.getString(3),
                            Path.of(rs.getString(4)),
                            rs.getInt(5) != 0,
                            DownloadState.ofWire(rs.getString(6)),
                            rs.getLong(7),
                            Optional.ofNullable(error),
                            Optional.ofNullable(path).map(Path::of)));
                }
            }
            return rows;
        });
    }

    void setState(long id, DownloadState state, @Nullable String error, @Nullable Path path) throws IOException {
        db.update(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE downloads SET state = ?, error = ?, path = ?, finished_ms = ? WHERE id = ?")) {
                p.setString(1, state.wire());
                p.setString(2, error);
                p.setString(3, path == null ? null : path.toString());
                if (state == DownloadState.DONE) {
                    p.setLong(4, System.currentTimeMillis());
                } else {
                    p.setNull(4, java.sql.Types.INTEGER);
                }
                p.setLong(5, id);
                p.executeUpdate();
            }
        });
    }

    /** Records the leaf list learned from the verified DAG (once per download). */
    void setLeaves(long id, List<UnixFsLeaf> leaves, long size) throws IOException {
        db.update(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT OR IGNORE INTO download_blocks(download_id, idx, cid, mh, offset, length)"
                            + " VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < leaves.size(); i++) {
                    UnixFsLeaf leaf = leaves.get(i);
                    p.setLong(1, id);
                    p.setInt(2, i);
                    p.setBytes(3, leaf.cid().bytes());
                    p.setBytes(4, leaf.cid().multihash().bytes());
                    p.setLong(5, leaf.offset());
                    p.setInt(6, leaf.length());
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE downloads SET size = ? WHERE id = ?")) {
                p.setLong(1, size);
                p.setLong(2, id);
                p.executeUpdate();
            }
        });
    }

    List<UnixFsLeaf> leaves(long id) throws IOException {
        return db.read(c -> {
            List<UnixFsLeaf> leaves = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT cid, offset, length FROM download_blocks WHERE download_id = ? ORDER BY idx")) {
                p.setLong(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        leaves.add(new UnixFsLeaf(Cid.fromBytes(rs.getBytes(1)), rs.getLong(2), rs.getInt(3)));
                    }
                }
            }
            return leaves;
        });
    }

    BitSet done(long id) throws IOException {
        return db.read(c -> {
            BitSet done = new BitSet();
            try (PreparedStatement p =
                    c.prepareStatement("SELECT idx FROM download_blocks WHERE download_id = ? AND done = 1")) {
                p.setLong(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        done.set(rs.getInt(1));
                    }
                }
            }
            return done;
        });
    }

    void markDone(long id, Collection<Integer> indexes) throws IOException {
        if (indexes.isEmpty()) {
            return;
        }
        db.update(c -> {
            try (PreparedStatement p =
                    c.prepareStatement("UPDATE download_blocks SET done = 1 WHERE download_id = ? AND idx = ?")) {
                for (int i : indexes) {
                    p.setLong(1, id);
                    p.setInt(2, i);
                    p.addBatch();
                }
                p.executeBatch();
            }
        });
    }

    void delete(long id) throws IOException {
        db.update(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM downloads WHERE id = ?")) {
                p.setLong(1, id);
                p.executeUpdate();
            }
        });
    }

    /** A leaf of a finished download with this multihash, if any. */
    Optional<StoredLeaf> finishedLeaf(Multihash mh) throws IOException {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT d.path, b.offset, b.length, b.cid FROM download_blocks b JOIN downloads d"
                            + " ON d.id = b.download_id WHERE b.mh = ? AND d.state = 'done' AND d.path IS NOT NULL"
                            + " LIMIT 1")) {
                p.setBytes(1, mh.bytes());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<StoredLeaf>empty();
                    }
                    return Optional.of(new StoredLeaf(
                            Path.of(rs.getString(1)), rs.getLong(2), rs.getInt(3), Cid.fromBytes(rs.getBytes(4))));
                }
            }
        });
    }
}
