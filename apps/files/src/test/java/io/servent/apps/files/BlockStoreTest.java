package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.servent.p2p.api.Cid;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BlockStoreTest {
    @TempDir
    Path dir;

    @Test
    void storesVerifiedBlocksInShards() throws IOException {
        BlockStore store = BlockStore.open(dir, 0);
        Block block = UnixFs.rawLeaf(UnixFsRoundTripTest.pattern(1000));
        store.put(block);
        store.put(block); // idempotent
        assertThat(store.has(block.cid())).isTrue();
        assertThat(store.get(block.cid()).orElseThrow().data()).isEqualTo(block.data());
        Path file = store.path(block.cid());
        assertThat(dir.relativize(file).getNameCount()).isEqualTo(2);
        assertThat(dir.relativize(file).getName(0).toString()).hasSize(2);
        // CIDv0 and v1 of the same bytes are one file.
        Cid asDagPb = Cid.v1(Cid.DAG_PB, block.cid().multihash());
        assertThat(store.path(asDagPb)).isEqualTo(file);
        assertThat(store.get(UnixFs.rawLeaf(new byte[] {1}).cid())).isEmpty();
        assertThat(store.delete(block.cid())).isTrue();
        assertThat(store.has(block.cid())).isFalse();
    }

    @Test
    void putVerifiesFirst() throws IOException {
        BlockStore store = BlockStore.open(dir, 0);
        Block block = UnixFs.rawLeaf(UnixFsRoundTripTest.pattern(10));
        byte[] wrong = block.data().clone();
        wrong[0] ^= 1;
        assertThatThrownBy(() -> store.put(block.cid(), wrong)).isInstanceOf(BlockVerificationException.class);
        assertThat(store.has(block.cid())).isFalse();
        assertThat(store.put(block.cid(), block.data()).cid()).isEqualTo(block.cid());
    }

    @Test
    void corruptFileOnDiskReadsAsAbsentAndIsDeleted() throws IOException {
        BlockStore store = BlockStore.open(dir, 0);
        Block block = UnixFs.rawLeaf(UnixFsRoundTripTest.pattern(100));
        store.put(block);
        Files.write(store.path(block.cid()), new byte[] {1, 2, 3});
        assertThat(store.get(block.cid())).isEmpty();
        assertThat(store.has(block.cid())).isFalse();
    }

    @Test
    void failedWriteLeavesNothingAndDiskFullIsSpecific() throws IOException {
        // The writer writes half the block, then the disk fills up.
        BlockStore.FileWriter halfThenFull = (file, data) -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(data, 0, data.length / 2));
            }
            throw new IOException("No space left on device");
        };
        BlockStore store = new BlockStore(dir, 0, halfThenFull);
        Block block = UnixFs.rawLeaf(UnixFsRoundTripTest.pattern(4096));
        assertThatThrownBy(() -> store.put(block))
                .isInstanceOf(BlockStoreFullException.class)
                .hasMessageContaining("ran out of disk space")
                .hasMessageContaining("nothing was written");
        assertThat(store.has(block.cid())).isFalse();
        assertThat(allFiles()).isEmpty();

        BlockStore.FileWriter crash = (file, data) -> {
            Files.write(file, new byte[] {1});
            throw new IOException("Input/output error");
        };
        BlockStore other = new BlockStore(dir, 0, crash);
        assertThatThrownBy(() -> other.put(block))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(BlockStoreFullException.class);
        assertThat(allFiles()).isEmpty();
    }

    @Test
    void leftoverTemporaryFilesAreRemovedOnOpen() throws IOException {
        Path shard = Files.createDirectories(dir.resolve("ab"));
        Files.write(shard.resolve(".tmp-ciqsomething-1234"), new byte[] {1, 2});
        BlockStore.open(dir, 0);
        assertThat(allFiles()).isEmpty();
    }

    @Test
    void reserveRefusesBeforeWriting() throws IOException {
        BlockStore store = BlockStore.open(dir, Long.MAX_VALUE / 2);
        assertThatThrownBy(() -> store.put(UnixFs.rawLeaf(new byte[10])))
                .isInstanceOf(BlockStoreFullException.class)
                .hasMessageContaining("kept free");
        assertThat(allFiles()).isEmpty();
    }

    /** A real full disk: a 512 KiB tmpfs, when this process may mount one (root on Linux). */
    @Test
    void realFullDiskOnTmpfs() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("tmpfs"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mount.toString()), "cannot mount tmpfs");
        try {
            BlockStore store = BlockStore.open(mount, 0);
            List<Block> stored = new ArrayList<>();
            @org.jspecify.annotations.Nullable BlockStoreFullException full = null;
            for (int i = 0; i < 20 && full == null; i++) {
                byte[] data = UnixFsRoundTripTest.pattern(100 * 1024);
                data[0] = (byte) i;
                Block block = UnixFs.rawLeaf(data);
                try {
                    store.put(block);
                    stored.add(block);
                } catch (BlockStoreFullException e) {
                    full = e;
                    assertThat(store.has(block.cid())).isFalse();
                }
            }
            assertThat(full).isNotNull();
            for (Block block : stored) {
                assertThat(store.get(block.cid())).isPresent();
            }
            try (Stream<Path> files = Files.walk(mount)) {
                assertThat(files.filter(p -> p.getFileName().toString().startsWith(".tmp-")))
                        .isEmpty();
            }
        } finally {
            run("umount", mount.toString());
        }
    }

    private static boolean run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private List<Path> allFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
