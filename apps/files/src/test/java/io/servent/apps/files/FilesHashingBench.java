package io.servent.apps.files;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Indexes one directory as a share the way the node does (servent's layout, one hashing thread per
 * core) and prints how long it took; run by {@code bench/files-hashing.sh}. Arguments: the directory
 * to index, a data directory for the database, and optionally the thread count.
 */
public final class FilesHashingBench {
    private FilesHashingBench() {}

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args[0]);
        Path data = Files.createDirectories(Path.of(args[1]));
        int threads = args.length > 2
                ? Integer.parseInt(args[2])
                : Runtime.getRuntime().availableProcessors();
        try (FilesDatabase db = FilesDatabase.open(data.resolve("files.db"));
                ShareIndexer indexer = new ShareIndexer(new ShareIndex(db), UnixFsLayout.defaults(), threads)) {
            Share share = indexer.index().addShare(shared, ShareAccess.everyone());
            ShareIndexer.ScanResult first = indexer.scan(share);
            ShareIndexer.ScanResult again = indexer.scan(share);
            ShareIndex.Totals totals = indexer.index().totals();
            System.out.printf(
                    "servent-index files=%d bytes=%d hashed=%d errors=%d threads=%d scan_s=%.3f rescan_s=%.3f%n",
                    totals.files(),
                    totals.bytes(),
                    first.hashed(),
                    first.errors(),
                    threads,
                    first.took().toNanos() / 1e9,
                    again.took().toNanos() / 1e9);
        }
    }
}
