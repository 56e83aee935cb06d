package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The share index in the files database: shares and their access lists, indexed files, where each
 * leaf lives, the internal nodes, and name search. Every query made for a peer applies the access
 * lists: a file in a share the peer may not see is absent, exactly as if it did not exist.
 *
 * <p>Thread-safe (through {@link FilesDatabase}).
 */
public final class ShareIndex {
    /** What a scan compares a file on disk against. */
    public record FileState(long id, long size, long mtimeMillis) {}

    private static final String ACCESS =
            "(s.everyone = 1 OR EXISTS (SELECT 1 FROM share_access a" + " WHERE a.share_id = s.id AND a.peer_id = ?))";
    private static final String FILE_COLUMNS =
            "f.id, f.share_id, s.name, f.rel_path, f.name, f.size, f.mtime_ms, f.root_cid";

    private final FilesDatabase db;

    public ShareIndex(FilesDatabase db) {
        this.db = db;
    }

    public FilesDatabase database() {
        return db;
    }

    /**
     * Records a new share of {@code directory} (resolved to its real path).
     *
     * @throws IllegalArgumentException if it is not a directory, or it overlaps an existing share
     */
    public Share addShare(Path directory, ShareAccess access) throws IOException {
        Path root = directory.toRealPath();
        if (!java.nio.file.Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + " is not a directory");
        }
        for (Share existing : shares()) {
            if (root.startsWith(existing.root()) || existing.root().startsWith(root)) {
                throw new IllegalArgumentException(
                        root + " overlaps the existing share " + existing.root() + " (id " + existing.id() + ")");
            }
        }
        Path fileName = root.getFileName();
        String name = fileName == null ? "root" : fileName.toString();
        long id = db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO shares(root, name, everyone, created_ms) VALUES (?, ?, 0, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, root.toString());
                p.setString(2, name);
                p.setLong(3, System.currentTimeMillis());
                p.executeUpdate();
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    long shareId = keys.getLong(1);
                    writeAccess(c, shareId, access);
                    return shareId;
                }
            }
        });
        return new Share(id, root, name, access);
    }

    /** Forgets a share and everything indexed in it; false if there was no such share. */
    public boolean removeShare(long shareId) throws IOException {
        return db.write(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM shares WHERE id = ?")) {
                p.setLong(1, shareId);
                return p.executeUpdate() > 0;
            }
        });
    }

    public void setAccess(long shareId, ShareAccess access) throws IOException {
        db.update(c -> writeAccess(c, shareId, access));
    }

    private static void writeAccess(Connection c, long shareId, ShareAccess access) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE shares SET everyone = ? WHERE id = ?")) {
            p.setInt(1, access instanceof ShareAccess.Everyone ? 1 : 0);
            p.setLong(2, shareId);
            if (p.executeUpdate() == 0) {
                throw new IllegalArgumentException("no share with id " + shareId);
            }
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM share_access WHERE share_id = ?")) {
            p.setLong(1, shareId);
            p.executeUpdate();
        }
        if (access instanceof ShareAccess.Peers peers) {
            try (PreparedStatement p =
                    c.prepareStatement("INSERT INTO share_access(share_id, peer_id) VALUES (?, ?)")) {
                for (PeerId peer : peers.peers()) {
                    p.setLong(1, shareId);
                    p.setBytes(2, peer.bytes());
                    p.executeUpdate();
                }
            }
        }
    }

    public List<Share> shares() throws IOException {
        return db.read(c -> {
            Map<Long, Set<PeerId>> peers = new HashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT share_id, peer_id FROM share_access")) {
                while (rs.next()) {
                    peers.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(PeerId.fromBytes(rs.getBytes(2)));
                }
            }
            List<Share> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id, root, name, everyone FROM shares ORDER BY id")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    ShareAccess access = rs.getInt(4) == 1
                            ? ShareAccess.everyone()
                            : ShareAccess.peers(peers.getOrDefault(id, Set.of()));
                    out.add(new Share(id, Path.of(rs.getString(2)), rs.getString(3), access));
                }
            }
            return out;
        });
    }

    public Optional<Share> share(long shareId) throws IOException {
        return shares().stream().filter(s -> s.id() == shareId).findFirst();
    }

    /** Indexed files of a share by path, for a scan to compare against. */
    public Map<String, FileState> fileStates(long shareId) throws IOException {
        return db.read(c -> {
            Map<String, FileState> out = new HashMap<>();
            try (PreparedStatement p =
                    c.prepareStatement("SELECT rel_path, id, size, mtime_ms FROM shared_files WHERE share_id = ?")) {
                p.setLong(1, shareId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new FileState(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
            return out;
        });
    }

    /** A hashed file to record: where it is, when it was modified, its DAG and its internal nodes. */
    public record IndexedFile(long shareId, String relPath, long mtimeMillis, UnixFsFile dag, List<Block> nodes) {
        public IndexedFile {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * Records a hashed file, replacing what was indexed at the same path: its row, its leaves'
     * locations and its internal nodes, in one transaction.
     *
     * @return the file's id (kept when the path was indexed before)
     */
    public long putFile(long shareId, String relPath, long mtimeMillis, UnixFsFile file, List<Block> nodes)
            throws IOException {
        return putFiles(List.of(new IndexedFile(shareId, relPath, mtimeMillis, file, nodes)))
                .get(0);
    }

    /** Records many hashed files in one transaction (what the indexer does); returns their ids in order. */
    public List<Long> putFiles(List<IndexedFile> files) throws IOException {
        return db.write(c -> {
            List<Long> ids = new ArrayList<>(files.size());
            long now = System.currentTimeMillis();
            try (PreparedStatement upsert = c.prepareStatement(
                            "INSERT INTO shared_files(share_id, rel_path, name, ext, size, mtime_ms, root_cid,"
                                    + " indexed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(share_id, rel_path)"
                                    + " DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,"
                                    + " root_cid = excluded.root_cid, indexed_ms = excluded.indexed_ms RETURNING id");
                    PreparedStatement deleteBlocks = c.prepareStatement("DELETE FROM shared_blocks WHERE file_id = ?");
                    PreparedStatement deleteNodes = c.prepareStatement("DELETE FROM shared_nodes WHERE file_id = ?");
                    PreparedStatement insertBlock = c.prepareStatement(
                            "INSERT INTO shared_blocks(file_id, idx, mh, offset, length) VALUES (?, ?, ?, ?, ?)");
                    PreparedStatement insertNode = c.prepareStatement(
                            "INSERT OR IGNORE INTO shared_nodes(file_id, mh, data) VALUES (?, ?, ?)")) {
                for (IndexedFile f : files) {
                    String name = f.relPath().substring(f.relPath().lastIndexOf('/') + 1);
                    upsert.setLong(1, f.shareId());
                    upsert.setString(2, f.relPath());
                    upsert.setString(3, name);
                    upsert.setString(4, FileType.extension(name));
                    upsert.setLong(5, f.dag().size());
                    upsert.setLong(6, f.mtimeMillis());
                    upsert.setBytes(7, f.dag().root().bytes());
                    upsert.setLong(8, now);
                    long id;
                    try (ResultSet rs = upsert.executeQuery()) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                    ids.add(id);
                    deleteBlocks.setLong(1, id);
                    deleteBlocks.executeUpdate();
                    deleteNodes.setLong(1, id);
                    deleteNodes.executeUpdate();
                    int index = 0;
                    for (UnixFsLeaf leaf : f.dag().leaves()) {
                        insertBlock.setLong(1, id);
                        insertBlock.setInt(2, index++);
                        insertBlock.setBytes(3, leaf.cid().multihash().bytes());
                        insertBlock.setLong(4, leaf.offset());
                        insertBlock.setInt(5, leaf.length());
                        insertBlock.executeUpdate();
                    }
                    for (Block node : f.nodes()) {
                        insertNode.setLong(1, id);
                        insertNode.setBytes(2, node.cid().multihash().bytes());
                        insertNode.setBytes(3, node.data());
                        insertNode.executeUpdate();
                    }
                }
            }
            return ids;
        });
    }

    /** Forgets files of a share (deleted from disk, or no longer readable). */
    public void removeFiles(long shareId, Collection<String> relPaths) throws IOException {
        if (relPaths.isEmpty()) {
            return;
        }
        db.update(c -> {
            try (PreparedStatement p =
                    c.prepareStatement("DELETE FROM shared_files WHERE share_id = ? AND rel_path = ?")) {
                for (String path : relPaths) {
                    p.setLong(1, shareId);
                    p.setString(2, path);
                    p.addBatch();
                }
                p.executeBatch();
            }
        });
    }

    /** Files matching the query that {@code requester} may see, best match first. */
    public List<SharedFile> search(FileQuery query, PeerId requester, int limit) throws IOException {
        return searchFor(query, requester.bytes(), limit);
    }

    /** Files matching the query in every share (for the owner). */
    public List<SharedFile> searchAll(FileQuery query, int limit) throws IOException {
        return searchFor(query, null, limit);
    }

    private List<SharedFile> searchFor(FileQuery query, byte @Nullable [] requester, int limit) throws IOException {
        StringBuilder match = new StringBuilder();
        for (String word : query.words()) {
            if (!match.isEmpty()) {
                match.append(" AND ");
            }
            match.append('"').append(word).append("\"*");
        }
        StringBuilder sql = new StringBuilder("SELECT " + FILE_COLUMNS
                + " FROM shared_names JOIN shared_files f ON f.id = shared_names.rowid"
                + " JOIN shares s ON s.id = f.share_id WHERE shared_names MATCH ? AND f.size BETWEEN ? AND ?");
        List<String> extensions = List.copyOf(query.type().extensions());
        if (!extensions.isEmpty()) {
            sql.append(" AND f.ext IN (")
                    .append("?,".repeat(extensions.size() - 1))
                    .append("?)");
        }
        if (requester != null) {
            sql.append(" AND ").append(ACCESS);
        }
        sql.append(" ORDER BY rank LIMIT ?");
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(sql.toString())) {
                int i = 1;
                p.setString(i++, match.toString());
                p.setLong(i++, query.minSize());
                p.setLong(i++, query.maxSize());
                for (String ext : extensions) {
                    p.setString(i++, ext);
                }
                if (requester != null) {
                    p.setBytes(i++, requester);
                }
                p.setInt(i, limit);
                return files(p);
            }
        });
    }

    /** A page of the files {@code requester} may see, in id order after {@code afterId}. */
    public List<SharedFile> browse(PeerId requester, long afterId, int limit) throws IOException {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + FILE_COLUMNS
                    + " FROM shared_files f JOIN shares s ON s.id = f.share_id WHERE f.id > ? AND " + ACCESS
                    + " ORDER BY f.id LIMIT ?")) {
                p.setLong(1, afterId);
                p.setBytes(2, requester.bytes());
                p.setInt(3, limit);
                return files(p);
            }
        });
    }

    /** Every indexed file of a share, in id order (for the owner). */
    public List<SharedFile> files(long shareId) throws IOException {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + FILE_COLUMNS
                    + " FROM shared_files f JOIN shares s ON s.id = f.share_id WHERE f.share_id = ? ORDER BY f.id")) {
                p.setLong(1, shareId);
                return files(p);
            }
        });
    }

    /** Where leaves with this multihash are, in files {@code requester} may see. */
    public List<BlockLocation> locations(Multihash mh, PeerId requester) throws IOException {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT f.share_id, f.id, s.root, f.rel_path, b.offset, b.length, f.size, f.mtime_ms FROM shared_blocks b"
                            + " JOIN shared_files f ON f.id = b.file_id JOIN shares s ON s.id = f.share_id"
                            + " WHERE b.mh = ? AND " + ACCESS + " LIMIT 8")) {
                p.setBytes(1, mh.bytes());
                p.setBytes(2, requester.bytes());
                List<BlockLocation> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new BlockLocation(
                                rs.getLong(1),
                                rs.getLong(2),
                                Path.of(rs.getString(3)).resolve(rs.getString(4)),
                                rs.getLong(5),
                                rs.getInt(6),
                                rs.getLong(7),
                                rs.getLong(8)));
                    }
                }
                return out;
            }
        });
    }

    /** An internal node of a file {@code requester} may see. */
    public Optional<byte[]> node(Multihash mh, PeerId requester) throws IOException {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT n.data FROM shared_nodes n"
                    + " JOIN shared_files f ON f.id = n.file_id JOIN shares s ON s.id = f.share_id"
                    + " WHERE n.mh = ? AND " + ACCESS + " LIMIT 1")) {
                p.setBytes(1, mh.bytes());
                p.setBytes(2, requester.bytes());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    /** Indexed files and their bytes, over all shares. */
    public record Totals(long files, long bytes) {}

    public Totals totals() throws IOException {
        return db.read(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(size), 0) FROM shared_files")) {
                rs.next();
                return new Totals(rs.getLong(1), rs.getLong(2));
            }
        });
    }

    private static List<SharedFile> files(PreparedStatement p) throws SQLException {
        List<SharedFile> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(new SharedFile(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getLong(6),
                        rs.getLong(7),
                        Cid.fromBytes(rs.getBytes(8))));
            }
        }
        return out;
    }
}
