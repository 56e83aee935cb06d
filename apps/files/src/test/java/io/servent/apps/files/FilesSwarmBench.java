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
 *   <li>{@code seed <file> <data dir>}: shares the file's directory, serves it on an ephemeral port
 *       and prints {@code ready <multiaddr with /p2p> <root cid>}; serves until the process is killed.
 *   <li>{@code get <root cid> <destination dir> <data dir> <multiaddr>...}: downloads from those
 *       seeders and prints {@code done bytes=<n> seconds=<s> mbps=<MB/s>}.
 * </ul>
 */
public final class FilesSwarmBench {
    private FilesSwarmBench() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "seed" -> seed(Path.of(args[1]), Path.of(args[2]));
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

    private static void seed(Path file, Path data) throws Exception {
        Files.createDirectories(data);
        try (FilesDatabase db = FilesDatabase.open(data.resolve("files.db"));
                BasicHost host = host()) {
            ShareIndex index = new ShareIndex(db);
            Share share =
                    index.addShare(Objects.requireNonNull(file.toAbsolutePath().getParent()), ShareAccess.everyone());
            try (ShareIndexer indexer = new ShareIndexer(index, UnixFsLayout.defaults(), 2)) {
                indexer.scan(share);
            }
            Cid root = index.files(share.id()).get(0).root();
            BlockStore store = BlockStore.open(data.resolve("blocks"));
            try (BlockExchange exchange =
                    new BlockExchange(host, new SharedBlockProvider(index, store, true, id -> {}))) {
                System.out.println("ready " + host.listenAddresses().get(0).withPeerId(host.peerId()) + " " + root);
                System.out.flush();
                new CountDownLatch(1).await(); // serve until the driver kills the process
            }
        }
    }

    private static void get(Cid root, Path destination, Path data, List<String> seeders) throws Exception {
        Files.createDirectories(data);
        try (FilesDatabase db = FilesDatabase.open(data.resolve("files.db"));
                BasicHost host = host()) {
            List<PeerId> peers = new ArrayList<>();
            for (String s : seeders) {
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
                    if (i.state() == DownloadState.DONE || i.state() == DownloadState.FAILED) {
                        done.countDown();
                    }
                });
                downloads.start();
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
