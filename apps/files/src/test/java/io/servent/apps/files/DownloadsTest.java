package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.host.BasicHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Swarming downloads between real hosts (TCP, Noise, Yamux on loopback) in one JVM. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DownloadsTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final int SIZE = 24 << 20;

    @TempDir
    Path tmp;

    SwarmNet net;
    byte[] content;
    Path file;

    @BeforeEach
    void setUp() throws IOException {
        net = new SwarmNet(tmp);
        content = SwarmNet.randomBytes(SIZE, 42);
        file = Files.createDirectories(tmp.resolve("share")).resolve("movie.mkv");
        Files.write(file, content);
    }

    @AfterEach
    void tearDown() {
        net.close();
    }

    private List<SwarmNet.Seeder> seeders(int n) throws IOException {
        List<SwarmNet.Seeder> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(net.seeder("seed" + i, file));
        }
        return list;
    }

    private SwarmNet.Downloader downloader(DownloadConfig config, List<? extends Host> peers, DiskSpace disk)
            throws IOException {
        List<PeerId> ids = peers.stream().map(Host::peerId).toList();
        SwarmNet.Downloader d = net.new Downloader("dl", config, ProviderSource.of(ids), disk);
        peers.forEach(p -> SwarmNet.introduce(d.host, p));
        return d;
    }

    private static List<BasicHost> hosts(List<SwarmNet.Seeder> seeders) {
        return seeders.stream().map(s -> s.host).toList();
    }

    /** A rate that makes the download take a couple of seconds, so things can happen mid-way. */
    private static DownloadConfig slow() {
        return DownloadConfig.defaults()
                .withDownloadBytesPerSecond(12L << 20)
                .withRetryDelay(Duration.ofMillis(300))
                .withStallTimeout(Duration.ofSeconds(3));
    }

    @Test
    void downloadsFromFourSourcesWhileOneGoesAway() throws IOException {
        List<SwarmNet.Seeder> seeders = seeders(4);
        SwarmNet.Downloader dl = downloader(slow(), hosts(seeders), DiskSpace.system());
        Cid root = seeders.get(0).root;
        assertThat(seeders).allSatisfy(s -> assertThat(s.root).isEqualTo(root));

        long t0 = System.nanoTime();
        DownloadInfo created = dl.downloads.create(root, "movie.mkv", dl.destination, false);
        assertThat(created.state()).isIn(DownloadState.QUEUED, DownloadState.RUNNING);
        dl.watcher.await(created.id(), i -> i.bytesDone() >= SIZE / 4, WAIT);
        seeders.get(0).host.close();

        DownloadInfo done = dl.watcher.await(created.id(), i -> i.state() == DownloadState.DONE, WAIT);
        // The global token bucket (12 MiB/s, 3 MiB burst) paced 24 MiB over at least 1.75 s.
        assertThat(System.nanoTime() - t0).isGreaterThan(Duration.ofMillis(1700).toNanos());
        assertThat(done.path()).contains(dl.destination.resolve("movie.mkv"));
        assertThat(Files.readAllBytes(done.path().orElseThrow())).isEqualTo(content);
        assertThat(done.bytesDone()).isEqualTo(SIZE);
        assertThat(done.size()).isEqualTo(SIZE);
        assertThat(done.error()).isEmpty();
        // Every source that stayed contributed; nothing is left behind but the file.
        assertThat(seeders.subList(1, 4))
                .allSatisfy(s -> assertThat(s.exchange.blocksServed()).isPositive());
        try (var files = Files.list(dl.destination)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("movie.mkv");
        }
        assertThat(dl.downloads.list()).singleElement().satisfies(i -> assertThat(i.state())
                .isEqualTo(DownloadState.DONE));
        // The finished file is served to others from where it now lives.
        UnixFsLeaf first = UnixFsBuilder.build(content, SwarmNet.LAYOUT, UnixFsBuilder.DISCARD)
                .leaves()
                .get(0);
        assertThat(dl.downloads.blockProvider().block(first.cid(), PeerId.random()))
                .isPresent();
    }

    @Test
    void aSourceSendingCorruptBlocksIsDroppedAndBanned() throws IOException {
        List<SwarmNet.Seeder> good = seeders(2);
        BasicHost liar = net.host();
        Cid root = good.get(0).root;
        liar.setStreamHandler(BlockExchange.PROTOCOL_ID, stream -> {
            while (true) {
                Optional<byte[]> bytes = LengthPrefixed.read(stream.in(), BlockExchangeCodec.MAX_REQUEST_BYTES);
                if (bytes.isEmpty()) {
                    return;
                }
                BlockExchangeCodec.Request r = BlockExchangeCodec.decodeRequest(bytes.get());
                if (r.bitfield().isPresent()) {
                    LengthPrefixed.write(
                            stream.out(),
                            BlockExchangeCodec.encode(
                                    new BlockExchangeCodec.Bitfield(r.bitfield().get(), true, 0, new BitSet())));
                }
                for (Cid c : r.wantBlock()) {
                    if (c.codec() != Cid.RAW) {
                        // Honest about DAG nodes, so the download meets the lie only in the swarm.
                        LengthPrefixed.write(stream.out(), BlockExchangeCodec.encodeHaves(List.of(), List.of(c)));
                        continue;
                    }
                    byte[] garbage = SwarmNet.randomBytes(256 * 1024, c.hashCode());
                    LengthPrefixed.write(
                            stream.out(),
                            io.servent.apps.files.proto.BlockExchangeProto.BlockResponse.newBuilder()
                                    .setBlock(io.servent.apps.files.proto.BlockExchangeProto.BlockData.newBuilder()
                                            .setCid(com.google.protobuf.ByteString.copyFrom(c.bytes()))
                                            .setData(com.google.protobuf.ByteString.copyFrom(garbage)))
                                    .build()
                                    .toByteArray());
                }
                stream.out().flush();
            }
        });
        List<Host> peers = new ArrayList<>(hosts(good));
        peers.add(0, liar);
        SwarmNet.Downloader dl = downloader(slow(), peers, DiskSpace.system());

        long id = dl.downloads.create(root, "movie.mkv", dl.destination, false).id();
        DownloadInfo done = dl.watcher.await(id, i -> i.state() == DownloadState.DONE, WAIT);

        assertThat(Files.readAllBytes(done.path().orElseThrow())).isEqualTo(content);
        assertThat(dl.downloads.reputation().banned(liar.peerId())).isTrue();
        assertThat(dl.downloads.reputation().of(liar.peerId()).orElseThrow().badBlocks())
                .isPositive();
        assertThat(dl.downloads.reputation().banned(good.get(0).host.peerId())).isFalse();

        // Written through to the database: the ban outlives a restart, and search ranks by it.
        dl.reopen(peers);
        assertThat(dl.downloads.reputation().of(liar.peerId())).isEmpty();
        assertThat(dl.downloads.reputation().banned(liar.peerId())).isTrue();
        ReputationStore store = dl.downloads.reputationStore();
        assertThat(store.get(liar.peerId()).badBlocks()).isPositive();
        PeerId honest = good.get(0).host.peerId();
        assertThat(store.get(honest).goodBlocks()
                        + store.get(good.get(1).host.peerId()).goodBlocks())
                .as("every leaf, each taken once from an honest peer")
                .isEqualTo(SIZE / SwarmNet.LAYOUT.chunkSize());
        assertThat(store.score(liar.peerId())).isLessThan(store.score(honest));
    }

    @Test
    void aSourceThatStallsIsDroppedAndItsRequestsGoElsewhere() throws IOException {
        List<SwarmNet.Seeder> good = seeders(1);
        BasicHost staller = net.host();
        staller.setStreamHandler(BlockExchange.PROTOCOL_ID, stream -> {
            while (true) {
                Optional<byte[]> bytes = LengthPrefixed.read(stream.in(), BlockExchangeCodec.MAX_REQUEST_BYTES);
                if (bytes.isEmpty()) {
                    return;
                }
                BlockExchangeCodec.Request r = BlockExchangeCodec.decodeRequest(bytes.get());
                if (r.bitfield().isPresent()) {
                    LengthPrefixed.write(
                            stream.out(),
                            BlockExchangeCodec.encode(
                                    new BlockExchangeCodec.Bitfield(r.bitfield().get(), true, 0, new BitSet())));
                }
                for (Cid c : r.wantBlock()) {
                    if (c.codec() != Cid.RAW) {
                        LengthPrefixed.write(stream.out(), BlockExchangeCodec.encodeHaves(List.of(), List.of(c)));
                    }
                    // Leaves: silence.
                }
                stream.out().flush();
            }
        });
        List<Host> peers = new ArrayList<>(hosts(good));
        peers.add(0, staller);
        SwarmNet.Downloader dl = downloader(slow().withDownloadBytesPerSecond(6L << 20), peers, DiskSpace.system());

        long id = dl.downloads
                .create(good.get(0).root, "movie.mkv", dl.destination, false)
                .id();
        DownloadInfo done = dl.watcher.await(id, i -> i.state() == DownloadState.DONE, WAIT);

        assertThat(Files.readAllBytes(done.path().orElseThrow())).isEqualTo(content);
        assertThat(dl.downloads.reputation().of(staller.peerId()).orElseThrow().stalls())
                .isPositive();
        assertThat(dl.downloads.reputation().banned(staller.peerId())).isFalse();
    }

    @Test
    void aRestartResumesWithoutFetchingAVerifiedLeafTwice() throws IOException {
        List<SwarmNet.Seeder> seeders = seeders(2);
        SwarmNet.Downloader dl = downloader(slow(), hosts(seeders), DiskSpace.system());
        Cid root = seeders.get(0).root;
        long id = dl.downloads.create(root, "movie.mkv", dl.destination, true).id();
        dl.watcher.await(id, i -> i.bytesDone() >= SIZE / 3, WAIT);

        dl.closeNow();
        BitSet doneBefore;
        List<UnixFsLeaf> leaves;
        try (FilesDatabase db = FilesDatabase.open(dl.dir.resolve("files.db"))) {
            DownloadStore store = new DownloadStore(db);
            doneBefore = store.done(id);
            leaves = store.leaves(id);
            assertThat(store.all()).singleElement().satisfies(r -> assertThat(r.state())
                    .isEqualTo(DownloadState.QUEUED));
        }
        assertThat(doneBefore.cardinality()).isGreaterThanOrEqualTo(leaves.size() / 4);
        Set<Cid> verified = new HashSet<>();
        doneBefore.stream().forEach(i -> verified.add(leaves.get(i).cid()));
        int[] before = seeders.stream().mapToInt(s -> s.provider.total()).toArray();
        seeders.forEach(s -> s.provider.counts.clear());

        dl.reopen(hosts(seeders));
        DownloadInfo done = dl.watcher.await(id, i -> i.state() == DownloadState.DONE, WAIT);

        assertThat(Files.readAllBytes(done.path().orElseThrow())).isEqualTo(content);
        for (SwarmNet.Seeder s : seeders) {
            assertThat(s.provider.counts.keySet()).doesNotContainAnyElementsOf(verified);
        }
        int after = seeders.stream().mapToInt(s -> s.provider.total()).sum();
        assertThat(before[0] + before[1] + after).isLessThanOrEqualTo(leaves.size() + 40);
    }

    /**
     * A kill -9 between a leaf's write and the once-a-second record of it: the restart finds the
     * leaf's bytes in the partial file, verifies them in place and does not fetch it again.
     */
    @Test
    void leavesWrittenButNotYetRecordedAreVerifiedInPlaceNotFetchedAgain() throws Exception {
        List<SwarmNet.Seeder> seeders = seeders(2);
        SwarmNet.Downloader dl = downloader(slow(), hosts(seeders), DiskSpace.system());
        Cid root = seeders.get(0).root;
        long id = dl.downloads.create(root, "movie.mkv", dl.destination, true).id();
        dl.watcher.await(id, i -> i.bytesDone() >= SIZE / 3, WAIT);
        dl.closeNow();

        // The crash lost the records of half the done leaves; their bytes are still on disk.
        Path db = dl.dir.resolve("files.db");
        List<UnixFsLeaf> leaves;
        BitSet unrecorded = new BitSet();
        try (FilesDatabase open = FilesDatabase.open(db)) {
            DownloadStore store = new DownloadStore(open);
            leaves = store.leaves(id);
            store.done(id).stream().filter(i -> i % 2 == 0).forEach(unrecorded::set);
        }
        assertThat(unrecorded.cardinality()).isGreaterThanOrEqualTo(leaves.size() / 8);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                java.sql.PreparedStatement p =
                        c.prepareStatement("UPDATE download_blocks SET done = 0 WHERE download_id = ? AND idx = ?")) {
            for (int i = unrecorded.nextSetBit(0); i >= 0; i = unrecorded.nextSetBit(i + 1)) {
                p.setLong(1, id);
                p.setInt(2, i);
                p.executeUpdate();
            }
        }
        Set<Cid> inPlace = new HashSet<>();
        unrecorded.stream().forEach(i -> inPlace.add(leaves.get(i).cid()));
        seeders.forEach(s -> s.provider.counts.clear());

        dl.reopen(hosts(seeders));
        DownloadInfo done = dl.watcher.await(id, i -> i.state() == DownloadState.DONE, WAIT);

        assertThat(Files.readAllBytes(done.path().orElseThrow())).isEqualTo(content);
        for (SwarmNet.Seeder s : seeders) {
            assertThat(s.provider.counts.keySet()).doesNotContainAnyElementsOf(inPlace);
        }
    }

    @Test
    void pauseResumeAndCancel() throws IOException {
        List<SwarmNet.Seeder> seeders = seeders(2);
        SwarmNet.Downloader dl = downloader(slow(), hosts(seeders), DiskSpace.system());
        Cid root = seeders.get(0).root;
        long id = dl.downloads.create(root, null, dl.destination, false).id();
        dl.watcher.await(id, i -> i.bytesDone() > 0, WAIT);

        DownloadInfo paused = dl.downloads.pause(id);
        assertThat(paused.state()).isEqualTo(DownloadState.PAUSED);
        assertThat(paused.speedBps()).isZero();
        long served = seeders.stream().mapToLong(s -> s.exchange.blocksServed()).sum();
        assertThat(dl.downloads.get(id).orElseThrow().state()).isEqualTo(DownloadState.PAUSED);

        DownloadInfo resumed = dl.downloads.resume(id);
        assertThat(resumed.state()).isIn(DownloadState.QUEUED, DownloadState.RUNNING);
        DownloadInfo done = dl.watcher.await(id, i -> i.state() == DownloadState.DONE, WAIT);
        assertThat(done.name()).isEqualTo(root.toString());
        assertThat(Files.readAllBytes(done.path().orElseThrow())).isEqualTo(content);
        assertThat(seeders.stream().mapToLong(s -> s.exchange.blocksServed()).sum())
                .isGreaterThan(served);

        // Cancel a second download mid-way: it and its partial file are gone.
        long second =
                dl.downloads.create(root, "again.mkv", dl.destination, false).id();
        dl.watcher.await(second, i -> i.bytesDone() > 0, WAIT);
        dl.downloads.cancel(second);
        assertThat(dl.downloads.get(second)).isEmpty();
        try (var files = Files.list(dl.destination)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(root.toString());
        }
    }

    @Test
    void aFullDiskPausesWithAClearErrorAndResumesWhenSpaceReturns() throws IOException {
        List<SwarmNet.Seeder> seeders = seeders(2);
        AtomicLong free = new AtomicLong(1L << 40);
        DownloadConfig config = slow().withReserveBytes(1 << 20).withDiskRetry(Duration.ofMillis(200));
        SwarmNet.Downloader dl = downloader(config, hosts(seeders), dir -> free.get());
        long id = dl.downloads
                .create(seeders.get(0).root, "movie.mkv", dl.destination, false)
                .id();
        dl.watcher.await(id, i -> i.bytesDone() >= SIZE / 4, WAIT);

        free.set(1 << 20);
        DownloadInfo paused = dl.watcher.await(id, i -> i.state() == DownloadState.PAUSED, WAIT);
        assertThat(paused.error()).hasValueSatisfying(e -> assertThat(e).contains("Not enough disk space"));
        assertThat(paused.bytesDone()).isLessThan(SIZE);

        free.set(1L << 40);
        DownloadInfo done = dl.watcher.await(id, i -> i.state() == DownloadState.DONE, WAIT);
        assertThat(done.error()).isEmpty();
        assertThat(Files.readAllBytes(done.path().orElseThrow())).isEqualTo(content);
    }

    @Test
    void aDownloaderServesAndAnnouncesLeavesWhileItIsStillDownloading() throws IOException {
        List<SwarmNet.Seeder> seeders = seeders(1);
        SwarmNet.Downloader first = downloader(slow(), hosts(seeders), DiskSpace.system());
        // The second downloader knows only the first, which has just started.
        SwarmNet.Downloader second = net
        .new Downloader(
                "dl2",
                slow().withDownloadBytesPerSecond(64L << 20),
                ProviderSource.of(List.of(first.host.peerId())),
                DiskSpace.system());
        SwarmNet.introduce(second.host, first.host);
        Cid root = seeders.get(0).root;
        long a = first.downloads
                .create(root, "movie.mkv", first.destination, false)
                .id();
        first.watcher.await(a, i -> i.bytesDone() > 0 && i.bytesDone() < SIZE / 2, WAIT);
        long b = second.downloads
                .create(root, "movie.mkv", second.destination, false)
                .id();

        DownloadInfo done = second.watcher.await(b, i -> i.state() == DownloadState.DONE, WAIT);
        assertThat(Files.readAllBytes(done.path().orElseThrow())).isEqualTo(content);
        first.watcher.await(a, i -> i.state() == DownloadState.DONE, WAIT);
        assertThat(first.downloads.exchange().blocksServed()).isPositive();
    }
}
