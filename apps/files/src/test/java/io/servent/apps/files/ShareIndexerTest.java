package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShareIndexerTest {
    /** Small blocks so multi-block files stay small. */
    static final UnixFsLayout LAYOUT = new UnixFsLayout(1024, 4);

    @TempDir
    Path tmp;

    Path shared;
    FilesDatabase db;
    ShareIndex index;
    ShareIndexer indexer;

    @BeforeEach
    void open() throws IOException {
        shared = Files.createDirectories(tmp.resolve("Music"));
        db = FilesDatabase.open(tmp.resolve("data/files.db"));
        index = new ShareIndex(db);
        indexer = new ShareIndexer(index, LAYOUT, 2);
    }

    @AfterEach
    void close() {
        indexer.close();
        db.close();
    }

    static Path write(Path file, byte[] data) throws IOException {
        Files.createDirectories(java.util.Objects.requireNonNull(file.getParent()));
        return Files.write(file, data);
    }

    @Test
    void scanRescanChangeDelete() throws IOException {
        byte[] big = UnixFsRoundTripTest.pattern(10_000); // 10 leaves, 3 nodes
        write(shared.resolve("Artist/Album/01 First Song.mp3"), big);
        write(shared.resolve("notes.txt"), "hello world".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Share share = index.addShare(shared, ShareAccess.everyone());

        ShareIndexer.ScanResult first = indexer.scan(share);
        assertThat(first.hashed()).isEqualTo(2);
        assertThat(first.removed()).isZero();
        List<SharedFile> files = index.files(share.id());
        assertThat(files)
                .extracting(SharedFile::path)
                .containsExactlyInAnyOrder("Artist/Album/01 First Song.mp3", "notes.txt");
        SharedFile song = files.stream()
                .filter(f -> f.name().endsWith(".mp3"))
                .findFirst()
                .orElseThrow();
        assertThat(song.root())
                .isEqualTo(
                        UnixFsBuilder.build(big, LAYOUT, UnixFsBuilder.DISCARD).root());
        assertThat(song.displayPath()).isEqualTo("Music/Artist/Album/01 First Song.mp3");
        SharedFile notes = files.stream()
                .filter(f -> f.name().equals("notes.txt"))
                .findFirst()
                .orElseThrow();
        assertThat(notes.root()).hasToString("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");

        // Nothing changed: nothing is hashed again.
        ShareIndexer.ScanResult second = indexer.scan(share);
        assertThat(second.hashed()).isZero();
        assertThat(second.unchanged()).isEqualTo(2);

        // A changed file is rehashed (same id), a deleted one forgotten, a new one added.
        Path notesFile = shared.resolve("notes.txt");
        Files.write(notesFile, "hello world, again".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.setLastModifiedTime(notesFile, FileTime.from(Instant.now().plusSeconds(5)));
        Files.delete(shared.resolve("Artist/Album/01 First Song.mp3"));
        write(shared.resolve("new.flac"), new byte[3000]);
        ShareIndexer.ScanResult third = indexer.scan(share);
        assertThat(third.hashed()).isEqualTo(2);
        assertThat(third.removed()).isEqualTo(1);
        List<SharedFile> after = index.files(share.id());
        assertThat(after).extracting(SharedFile::path).containsExactlyInAnyOrder("notes.txt", "new.flac");
        SharedFile notesAfter = after.stream()
                .filter(f -> f.name().equals("notes.txt"))
                .findFirst()
                .orElseThrow();
        assertThat(notesAfter.id()).isEqualTo(notes.id());
        assertThat(notesAfter.root()).isNotEqualTo(notes.root());
        // The deleted song's blocks and nodes are gone with it.
        PeerId anyone = PeerId.random();
        assertThat(index.locations(song.root().multihash(), anyone)).isEmpty();
        assertThat(index.node(song.root().multihash(), anyone)).isEmpty();
        assertThat(index.searchAll(FileQuery.of("first song"), 10)).isEmpty();
    }

    @Test
    void hashesManyFilesInParallelWithProgress() throws IOException {
        Map<String, Cid> expected = new java.util.HashMap<>();
        for (int i = 0; i < 300; i++) {
            byte[] data = UnixFsRoundTripTest.pattern(i * 37);
            String rel = "d" + (i % 7) + "/file-" + i + ".bin";
            write(shared.resolve(rel), data);
            expected.put(
                    rel,
                    UnixFsBuilder.build(data, LAYOUT, UnixFsBuilder.DISCARD).root());
        }
        Share share = index.addShare(shared, ShareAccess.everyone());
        List<ShareIndexer.Progress> seen = new ArrayList<>();
        Map<String, Boolean> threads = new ConcurrentHashMap<>();
        AtomicLong maxHashed = new AtomicLong();
        try (AutoCloseable sub = indexer.subscribe(p -> {
            threads.put(Thread.currentThread().getName(), true);
            maxHashed.accumulateAndGet(p.filesHashed(), Math::max);
            synchronized (seen) {
                seen.add(p);
            }
        })) {
            ShareIndexer.ScanResult result = indexer.scan(share);
            assertThat(result.hashed()).isEqualTo(300);
            assertThat(result.errors()).isZero();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        for (SharedFile f : index.files(share.id())) {
            assertThat(f.root()).as(f.path()).isEqualTo(expected.get(f.path()));
        }
        assertThat(index.files(share.id())).hasSize(300);
        assertThat(threads.keySet()).anyMatch(n -> n.startsWith("files-indexer-1"));
        assertThat(threads.keySet()).anyMatch(n -> n.startsWith("files-indexer-2"));
        assertThat(maxHashed.get()).isEqualTo(300);
        ShareIndexer.Progress last = indexer.progress();
        assertThat(last.scanning()).isFalse();
        assertThat(last.filesHashed()).isEqualTo(300);
        assertThat(last.bytesHashed()).isEqualTo(last.bytesToHash());
        assertThat(seen.get(0).scanning()).isTrue();
    }

    @Test
    void searchAppliesAccessLists() throws IOException {
        PeerId alice = PeerId.random();
        PeerId bob = PeerId.random();
        PeerId eve = PeerId.random();
        Path publicDir = Files.createDirectories(tmp.resolve("Public"));
        Path privateDir = Files.createDirectories(tmp.resolve("Private"));
        write(publicDir.resolve("Holiday Photos/beach sunset.jpg"), new byte[2000]);
        write(publicDir.resolve("sunset song.mp3"), new byte[5000]);
        write(privateDir.resolve("sunset diary.txt"), new byte[100]);
        Share everyone = index.addShare(publicDir, ShareAccess.everyone());
        Share friends = index.addShare(privateDir, ShareAccess.peers(alice, bob));
        indexer.scan(everyone);
        indexer.scan(friends);

        assertThat(paths(index.search(FileQuery.of("sunset"), alice, 10)))
                .containsExactlyInAnyOrder(
                        "Public/Holiday Photos/beach sunset.jpg", "Public/sunset song.mp3", "Private/sunset diary.txt");
        assertThat(paths(index.search(FileQuery.of("sunset"), eve, 10)))
                .containsExactlyInAnyOrder("Public/Holiday Photos/beach sunset.jpg", "Public/sunset song.mp3");
        assertThat(index.search(FileQuery.of("diary"), eve, 10)).isEmpty();
        assertThat(paths(index.search(FileQuery.of("diary"), bob, 10))).containsExactly("Private/sunset diary.txt");
        // Prefixes, folders, case and accents; type and size filters.
        assertThat(paths(index.search(FileQuery.of("HOLI sun"), eve, 10)))
                .containsExactly("Public/Holiday Photos/beach sunset.jpg");
        assertThat(paths(index.search(FileQuery.of("sunsét"), eve, 10))).hasSize(2);
        assertThat(paths(index.search(FileQuery.of("sunset").withType(FileType.AUDIO), eve, 10)))
                .containsExactly("Public/sunset song.mp3");
        assertThat(paths(index.search(FileQuery.of("sunset").withSize(3000, 10_000), eve, 10)))
                .containsExactly("Public/sunset song.mp3");
        // Browse applies the same rule, paged by id.
        assertThat(index.browse(eve, 0, 100)).hasSize(2);
        List<SharedFile> page1 = index.browse(alice, 0, 2);
        assertThat(page1).hasSize(2);
        assertThat(index.browse(alice, page1.get(1).id(), 2)).hasSize(1);
        // Access changes apply at once; unsharing removes everything.
        index.setAccess(friends.id(), ShareAccess.peers(bob));
        assertThat(index.search(FileQuery.of("diary"), alice, 10)).isEmpty();
        assertThat(index.removeShare(friends.id())).isTrue();
        assertThat(index.search(FileQuery.of("diary"), bob, 10)).isEmpty();
        assertThat(index.searchAll(FileQuery.of("diary"), 10)).isEmpty();
        assertThat(index.shares()).extracting(Share::id).containsExactly(everyone.id());
    }

    @Test
    void queriesAreBounded() {
        assertThatThrownBy(() -> FileQuery.of("--- ...")).hasMessageContaining("at least one word");
        assertThatThrownBy(() -> FileQuery.of("a b c d e f g h i")).hasMessageContaining("limit is 8");
        assertThatThrownBy(() -> FileQuery.of("x".repeat(65))).hasMessageContaining("exceeds 64");
        assertThat(FileQuery.of("\"quoted\" OR NEAR(x*)").words()).containsExactly("quoted", "or", "near", "x");
    }

    @Test
    void overlappingSharesAreRefused() throws IOException {
        index.addShare(shared, ShareAccess.everyone());
        Path inner = Files.createDirectories(shared.resolve("inner"));
        assertThatThrownBy(() -> index.addShare(inner, ShareAccess.everyone())).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> index.addShare(tmp, ShareAccess.everyone())).hasMessageContaining("overlaps");
    }

    @Test
    void servesSharedBlocksVerifiedAndOnlyToAllowedPeers() throws IOException {
        PeerId alice = PeerId.random();
        PeerId eve = PeerId.random();
        byte[] data = UnixFsRoundTripTest.pattern(5000);
        Path file = write(shared.resolve("doc.pdf"), data);
        Share share = index.addShare(shared, ShareAccess.peers(alice));
        indexer.scan(share);
        BlockStore store = BlockStore.open(tmp.resolve("data/blocks"), 0);
        List<Long> stale = new ArrayList<>();
        SharedBlockProvider provider = new SharedBlockProvider(index, store, true, stale::add);
        UnixFsFile dag = UnixFsBuilder.build(data, LAYOUT, UnixFsBuilder.DISCARD);

        // Alice can fetch the whole DAG: root node from the index, leaves from the file.
        BlockSource asAlice = cid -> provider.block(cid, alice).orElseThrow(() -> new IOException("no " + cid));
        assertThat(UnixFsDag.leaves(dag.root(), asAlice, 100)).isEqualTo(dag.leaves());
        assertThat(provider.block(dag.leaves().get(2).cid(), alice)
                        .orElseThrow()
                        .data())
                .isEqualTo(java.util.Arrays.copyOfRange(data, 2048, 3072));
        assertThat(provider.has(dag.root(), alice)).isTrue();
        // Eve gets nothing, exactly as for an unknown block.
        assertThat(provider.block(dag.root(), eve)).isEmpty();
        assertThat(provider.block(dag.leaves().get(0).cid(), eve)).isEmpty();
        assertThat(provider.has(dag.root(), eve)).isFalse();

        // The file changes on disk: its stale block is not served, and its share is flagged.
        byte[] changed = data.clone();
        changed[10] ^= 1;
        Files.write(file, changed);
        assertThat(provider.block(dag.leaves().get(0).cid(), alice)).isEmpty();
        assertThat(stale).containsExactly(share.id());
        assertThat(provider.block(dag.leaves().get(1).cid(), alice)).isPresent(); // untouched range still verifies

        // Downloaded blocks in the store go to anyone who names them, unless configured off.
        Block downloaded = UnixFs.rawLeaf("downloaded".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        store.put(downloaded);
        assertThat(provider.block(downloaded.cid(), eve)).isPresent();
        assertThat(new SharedBlockProvider(index, store, false, s -> {}).block(downloaded.cid(), eve))
                .isEmpty();
    }

    @Test
    void serviceRescansWhenTheShareChanges() throws Exception {
        write(shared.resolve("a.txt"), "a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (ShareService service = new ShareService(indexer, Duration.ofHours(1))) {
            service.start();
            Share share = service.share(shared, ShareAccess.everyone());
            await(() -> hasFile(share, "a.txt"));
            // A new file in a new sub-directory is noticed by the watcher (no rescan call).
            write(shared.resolve("sub/b.txt"), "b".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            await(() -> hasFile(share, "sub/b.txt"));
            write(shared.resolve("sub/c.txt"), "c".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            await(() -> hasFile(share, "sub/c.txt"));
            Files.delete(shared.resolve("a.txt"));
            await(() -> !hasFile(share, "a.txt"));
            assertThat(service.unshare(share.id())).isTrue();
            assertThat(service.shares()).isEmpty();
        }
    }

    private boolean hasFile(Share share, String path) {
        try {
            return index.files(share.id()).stream().anyMatch(f -> f.path().equals(path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(20); // polling interval of the await, not a wait for state
        }
    }

    private static List<String> paths(List<SharedFile> files) {
        return files.stream().map(SharedFile::displayPath).toList();
    }
}
