package io.servent.apps.files;

import java.util.List;

/**
 * The downloads area of the files database (version 1): one row per download in {@code downloads}
 * and one per leaf in {@code download_blocks} with its place in the file and whether it is verified
 * and durable in the partial file ({@code done}). Restart reads these to resume without fetching a
 * verified leaf twice; serving looks leaves up by multihash like {@code shared_blocks}.
 */
final class DownloadSchema {
    private DownloadSchema() {}

    static final FilesMigration V1 = new FilesMigration(
            "downloads",
            1,
            List.of(
                    """
                    CREATE TABLE downloads (
                      id INTEGER PRIMARY KEY,
                      root_cid BLOB NOT NULL,
                      name TEXT NOT NULL,
                      dest_dir TEXT NOT NULL,
                      sequential INTEGER NOT NULL,
                      state TEXT NOT NULL,
                      size INTEGER NOT NULL DEFAULT -1,
                      error TEXT,
                      path TEXT,
                      created_ms INTEGER NOT NULL,
                      finished_ms INTEGER)""",
                    "CREATE INDEX downloads_root ON downloads(root_cid)",
                    """
                    CREATE TABLE download_blocks (
                      download_id INTEGER NOT NULL REFERENCES downloads(id) ON DELETE CASCADE,
                      idx INTEGER NOT NULL,
                      cid BLOB NOT NULL,
                      mh BLOB NOT NULL,
                      offset INTEGER NOT NULL,
                      length INTEGER NOT NULL,
                      done INTEGER NOT NULL DEFAULT 0,
                      PRIMARY KEY (download_id, idx)) WITHOUT ROWID""",
                    "CREATE INDEX download_blocks_mh ON download_blocks(mh)"));
}
