package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multibase;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocks on disk, one file each, under {@code <data>/blocks/<xx>/<key>} where {@code <key>} is the
 * base32 multihash (so CIDv0 and CIDv1 of the same bytes share one file, as in kubo) and {@code <xx>}
 * the first digest byte in hex (256 shards, each small enough to list).
 *
 * <p>Nothing unverified gets in and nothing half-written is ever visible: {@link #put} takes only a
 * verified {@link Block}, writes a temporary file in the shard, fsyncs it, renames it into place and
 * fsyncs the shard directory. A full disk throws {@link BlockStoreFullException} and leaves no file.
 * Reads verify again (disks rot); a corrupt file is deleted and reads as absent.
 *
 * <p>Thread-safe: concurrent puts of the same block race only on the atomic rename, which is
 * idempotent since both files hold the same bytes.
 */
public final class BlockStore {
    private static final Logger log = LoggerFactory.getLogger(BlockStore.class);
    private static final String TEMP_PREFIX = ".tmp-";

    /** Default space kept free on the volume so the rest of the node (SQLite, logs) can still write. */
    public static final long DEFAULT_RESERVE_BYTES = 64L << 20;

    /** Writes and syncs one temporary file; a seam so tests can fail the write part-way. */
    interface FileWriter {
        void write(Path file, byte[] data) throws IOException;
    }

    private final Path dir;
    private final long reserveBytes;
    private final FileWriter writer;

    BlockStore(Path dir, long reserveBytes, FileWriter writer) throws IOException {
        this.dir = dir;
        this.reserveBytes = reserveBytes;
        this.writer = writer;
        Files.createDirectories(dir);
        removeTemporaryFiles();
    }

    /** A store in {@code dir} (usually {@code <data>/blocks}) keeping {@link #DEFAULT_RESERVE_BYTES} free. */
    public static BlockStore open(Path dir) throws IOException {
        return open(dir, DEFAULT_RESERVE_BYTES);
    }

    public static BlockStore open(Path dir, long reserveBytes) throws IOException {
        return new BlockStore(dir, reserveBytes, BlockStore::writeAndSync);
    }

    public Path directory() {
        return dir;
    }

    /** Verifies and stores; returns the verified block. */
    public Block put(Cid cid, byte[] data) throws IOException {
        Block block = Block.verify(cid, data);
        put(block);
        return block;
    }

    /** Stores a verified block (a no-op if it is already there). */
    public void put(Block block) throws IOException {
        Path target = path(block.cid());
        if (Files.exists(target)) {
            return;
        }
        Path shard = shard(block.cid());
        Files.createDirectories(shard);
        long usable = Files.getFileStore(shard).getUsableSpace();
        if (usable - block.size() < reserveBytes) {
            throw new BlockStoreFullException("block store " + dir + " is full: storing " + block.size()
                    + " bytes would leave " + (usable - block.size()) + " of the " + reserveBytes
                    + " bytes kept free");
        }
        Path temp = shard.resolve(TEMP_PREFIX + target.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            writer.write(temp, block.data());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the block store's file system cannot rename atomically: " + dir, e);
            }
            syncDirectory(shard);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            if (isDiskFull(e)) {
                throw new BlockStoreFullException(
                        "block store " + dir + " ran out of disk space storing " + block.cid() + " (" + block.size()
                                + " bytes); nothing was written",
                        e);
            }
            throw e;
        }
    }

    /** The block, verified; empty if absent. A file that fails verification is deleted. */
    public Optional<Block> get(Cid cid) throws IOException {
        Block.checkHash(cid);
        Path file = path(cid);
        byte[] data;
        try {
            if (Files.size(file) > UnixFs.MAX_BLOCK_SIZE) {
                throw new BlockVerificationException("oversize file " + file);
            }
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (BlockVerificationException e) {
            return discardCorrupt(cid, file, e);
        }
        try {
            return Optional.of(Block.verify(cid, data));
        } catch (BlockVerificationException e) {
            return discardCorrupt(cid, file, e);
        }
    }

    public boolean has(Cid cid) {
        return Files.exists(path(cid));
    }

    public boolean delete(Cid cid) throws IOException {
        return Files.deleteIfExists(path(cid));
    }

    /** Where the block lives (whether or not it is there). */
    Path path(Cid cid) {
        return shard(cid).resolve(Multibase.BASE32.encodeBare(cid.multihash().bytes()));
    }

    private Path shard(Cid cid) {
        byte[] digest = cid.multihash().digest();
        return dir.resolve(digest.length == 0 ? "00" : HexFormat.of().toHexDigits(digest[0]));
    }

    private Optional<Block> discardCorrupt(Cid cid, Path file, IOException e) throws IOException {
        log.warn("block store: the file of {} is corrupt ({}); deleted {}", cid, e.getMessage(), file);
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    private static boolean isDiskFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left") || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    private static void writeAndSync(Path file, byte[] data) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Makes the rename durable; some file systems refuse to open directories, which is fine. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("block store: cannot fsync directory {}: {}", directory, e.getMessage());
        }
    }

    /** Temporary files left by a crash mid-write are garbage: no block was ever visible from them. */
    private void removeTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path shard : shards) {
                try (DirectoryStream<Path> temps = Files.newDirectoryStream(shard, TEMP_PREFIX + "*")) {
                    for (Path temp : temps) {
                        Files.deleteIfExists(temp);
                    }
                }
            }
        }
    }
}
