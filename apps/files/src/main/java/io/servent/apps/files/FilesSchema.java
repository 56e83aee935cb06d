package io.servent.apps.files;

import java.util.List;

/**
 * Every area's migrations, in order. Areas add their steps here (a new area starts at version 1).
 *
 * <p>Shares (version 1): a share is a root directory with an access list ({@code everyone}, or the
 * peers in {@code share_access}); {@code shared_files} are its indexed files; {@code shared_blocks}
 * maps each leaf's multihash to its byte range in a file, so blocks are served from the file without
 * copying; {@code shared_nodes} holds the (small) internal dag-pb nodes, which exist in no file;
 * {@code shared_names} is the FTS5 index over names and folders, kept in step by triggers.
 */
final class FilesSchema {
    private FilesSchema() {}

    static final List<FilesMigration> MIGRATIONS = List.of(shares(), DownloadSchema.V1);

    private static FilesMigration shares() {
        return new FilesMigration(
                "shares",
                1,
                List.of(
                        """
                    CREATE TABLE shares (
                      id INTEGER PRIMARY KEY,
                      root TEXT NOT NULL UNIQUE,
                      name TEXT NOT NULL,
                      everyone INTEGER NOT NULL,
                      created_ms INTEGER NOT NULL)""",
                        """
                    CREATE TABLE share_access (
                      share_id INTEGER NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
                      peer_id BLOB NOT NULL,
                      PRIMARY KEY (share_id, peer_id)) WITHOUT ROWID""",
                        """
                    CREATE TABLE shared_files (
                      id INTEGER PRIMARY KEY,
                      share_id INTEGER NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
                      rel_path TEXT NOT NULL,
                      name TEXT NOT NULL,
                      ext TEXT NOT NULL,
                      size INTEGER NOT NULL,
                      mtime_ms INTEGER NOT NULL,
                      root_cid BLOB NOT NULL,
                      indexed_ms INTEGER NOT NULL,
                      UNIQUE (share_id, rel_path))""",
                        "CREATE INDEX shared_files_root ON shared_files(root_cid)",
                        """
                    CREATE TABLE shared_blocks (
                      file_id INTEGER NOT NULL REFERENCES shared_files(id) ON DELETE CASCADE,
                      idx INTEGER NOT NULL,
                      mh BLOB NOT NULL,
                      offset INTEGER NOT NULL,
                      length INTEGER NOT NULL,
                      PRIMARY KEY (file_id, idx)) WITHOUT ROWID""",
                        "CREATE INDEX shared_blocks_mh ON shared_blocks(mh)",
                        """
                    CREATE TABLE shared_nodes (
                      file_id INTEGER NOT NULL REFERENCES shared_files(id) ON DELETE CASCADE,
                      mh BLOB NOT NULL,
                      data BLOB NOT NULL,
                      PRIMARY KEY (file_id, mh)) WITHOUT ROWID""",
                        "CREATE INDEX shared_nodes_mh ON shared_nodes(mh)",
                        """
                    CREATE VIRTUAL TABLE shared_names USING fts5(
                      name, folder, tokenize = 'unicode61 remove_diacritics 2')""",
                        """
                    CREATE TRIGGER shared_files_fts_insert AFTER INSERT ON shared_files BEGIN
                      INSERT INTO shared_names(rowid, name, folder)
                        VALUES (new.id, new.name, substr(new.rel_path, 1, length(new.rel_path) - length(new.name)));
                    END""",
                        """
                    CREATE TRIGGER shared_files_fts_delete AFTER DELETE ON shared_files BEGIN
                      DELETE FROM shared_names WHERE rowid = old.id;
                    END"""));
    }

    /**
     * Every migration the database applies: {@link #MIGRATIONS} and the areas whose steps live with
     * their owner class (kept apart so work on different areas merges without conflicts). Search
     * (version 1 of {@code reputation}): see {@link ReputationStore}.
     */
    static final List<FilesMigration> ALL = java.util.stream.Stream.concat(
                    MIGRATIONS.stream(), java.util.stream.Stream.of(ReputationStore.MIGRATION))
            .toList();
}
