package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Peerstore;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Whole-process swarming benchmark, run by {@code bench/files-swarm.sh}: each seeder and the
 * downloader is its own JVM with a real host (TCP, Noise, Yamux on loopback).
 *
 * <ul>
 *   <li>{@code seed <file> <data dir> [<warm-up file>]}: shares the file's directory (which holds
 *       the warm-up file too), serves it on an ephemeral port and prints {@code ready <multiaddr with
 *       /p2p> <root cid> [<warm-up root cid>]}; serves until the process is killed.
 *   <li>{@code get <root cid> <destination dir> <data dir> [warmup=<cid>] <multiaddr>...}: downloads
 *       the warm-up file first if given (untimed: the JIT compiles the hot paths), then the file
 *       from those seeders and prints {@code done bytes=<n> seconds=<s> mbps=<MB/s>}.
 * </ul>
 */
public final class FilesSwarmBench {
    private FilesSwarmBench() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "seed" -> seed(Path.of(args[1]), Path.of(args[2]), args.length > 3 ? Path.of(args[3]) : null);
            case "get" ->
                get(
                        Cid.parse(args[1]),
                        Path.of(args[2]),
                        Path.of(args[3]),
                        List.of(args).subList(4, args.length));
            default -> throw new IllegalArgumentException("seed or get, not " + args[0]);
        }
    }

    private static BasicHost host() throws Exception {
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults().withListenAddresses(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))))
                .build();
        host.start();
        return host;
    }

    private static void seed(Path file, Path data, @org.jspecify.annotations.Nullable Path warmup) throws Exception {
        Files.createDirectories(data);
        try (FilesDatabase db = FilesDatabase.open(data.resolve("files.db"));
                BasicHost host = host()) {
            ShareIndex index = new ShareIndex(db);
            Share share =
                    index.addShare(Objects.requireNonNull(file.toAbsolutePath().getParent()), ShareAccess.everyone());
            try (ShareIndexer indexer = new ShareIndexer(index, UnixFsLayout.defaults(), 2)) {
                indexer.scan(share);
            }
            Cid root = rootOf(index, share, file);
            String warm = warmup == null ? "" : " " + rootOf(index, share, warmup);
            BlockStore store = BlockStore.open(data.resolve("blocks"));
            try (BlockExchange exchange =
                    new BlockExchange(host, new SharedBlockProvider(index, store, true, id -> {}))) {
                System.out.println(
                        "ready " + host.listenAddresses().get(0).withPeerId(host.peerId()) + " " + root + warm);
                System.out.flush();
                new CountDownLatch(1).await(); // serve until the driver kills the process
            }
        }
    }

    private static Cid rootOf(ShareIndex index, Share share, Path file) throws java.io.IOException {
        String name = file.getFileName().toString();
        return index.files(share.id()).stream()
                .filter(f -> f.displayPath().endsWith("/" + name))
                .findFirst()
                .orElseThrow()
                .root();
    }

    private static void get(Cid root, Path destination, Path data, List<String> seeders) throws Exception {
        Files.createDirectories(data);
        try (FilesDatabase db = FilesDatabase.open(data.resolve("files.db"));
                BasicHost host = host()) {
            List<PeerId> peers = new ArrayList<>();
            @org.jspecify.annotations.Nullable Cid warmup = null;
            for (String s : seeders) {
                if (s.startsWith("warmup=")) {
                    warmup = Cid.parse(s.substring("warmup=".length()));
                    continue;
                }
                Multiaddr a = Multiaddr.parse(s);
                PeerId p = a.peerId().orElseThrow();
                host.peerstore().addAddresses(p, List.of(a.withoutPeerId()), Peerstore.RECENTLY_CONNECTED_TTL);
                peers.add(p);
            }
            BlockStore store = BlockStore.open(data.resolve("blocks"));
            ShareIndex index = new ShareIndex(db);
            CountDownLatch done = new CountDownLatch(1);
            try (Downloads downloads = new Downloads(
                    host,
                    db,
                    store,
                    new SharedBlockProvider(index, store, true, id -> {}),
                    ProviderSource.of(peers),
                    DownloadConfig.defaults())) {
                downloads.subscribe(i -> {
                    if (i.cid().equals(root)
                            && (i.state() == DownloadState.DONE || i.state() == DownloadState.FAILED)) {
                        done.countDown();
                    }
                });
                downloads.start();
                if (warmup != null) {
                    Cid warmCid = warmup;
                    CountDownLatch warm = new CountDownLatch(1);
                    try (AutoCloseable sub = downloads.subscribe(i -> {
                        if (i.cid().equals(warmCid) && i.state() == DownloadState.DONE) {
                            warm.countDown();
                        }
                    })) {
                        long w = downloads
                                .create(warmup, "warmup.bin", destination, false)
                                .id();
                        if (!warm.await(5, TimeUnit.MINUTES)) {
                            throw new IllegalStateException("the warm-up download did not finish");
                        }
                        downloads.cancel(w);
                    }
                }
                long t0 = System.nanoTime();
                long id =
                        downloads.create(root, "bench.bin", destination, false).id();
                if (!done.await(Duration.ofMinutes(10).toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the download did not finish in 10 minutes");
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                DownloadInfo info = downloads.get(id).orElseThrow();
                if (info.state() != DownloadState.DONE) {
                    throw new IllegalStateException(
                            "download failed: " + info.error().orElse("?"));
                }
                System.out.printf(
                        "done bytes=%d seconds=%.3f mbps=%.1f path=%s%n",
                        info.bytesDone(),
                        seconds,
                        info.bytesDone() / seconds / 1e6,
                        info.path().orElseThrow());
            }
        }
    }
}
