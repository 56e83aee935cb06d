package io.servent.cli;

import io.servent.node.Daemon;
import io.servent.node.DataDirectory;
import io.servent.node.FilesConfig;
import io.servent.node.NodeConfig;
import io.servent.node.StartupException;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.autonat.Reachability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The demo's small network: real {@link Daemon}s in this process on 127.0.0.1, each with its own
 * throwaway data directory and a folder of sample files. Peer 1 is the relay, the directory
 * server and a super-peer, and everyone's bootstrap peer; the last peer listens nowhere and
 * is reachable only through the relay. Closing stops every daemon and deletes the directories
 * (unless kept). Built and closed by one thread.
 */
final class DemoNetwork implements AutoCloseable {
    /** One peer: its daemon, its API client, and where its files are. */
    record Peer(int number, String role, Daemon daemon, ApiClient api, Path dir, Path shared) {
        String name() {
            return "peer " + number;
        }

        String peerId() {
            return daemon.host().peerId().toString();
        }
    }

    private final List<Peer> peers = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();
    private final @Nullable Path parent;
    private final String logLevel;

    private DemoNetwork(@Nullable Path parent, String logLevel) {
        this.parent = parent;
        this.logLevel = logLevel;
    }

    /**
     * Starts {@code count} peers (at least 3); the first {@code largeSources} of the public ones
     * hold the large file of {@code largeSize} bytes. On failure, what started is closed again.
     */
    static DemoNetwork start(@Nullable Path parent, int count, int largeSources, long largeSize, String logLevel)
            throws IOException, StartupException, CliException {
        DemoNetwork network = new DemoNetwork(parent, logLevel);
        try {
            network.startAll(count, largeSources, largeSize);
            return network;
        } catch (IOException | StartupException | CliException | RuntimeException e) {
            network.close(false);
            throw e;
        }
    }

    private void startAll(int count, int largeSources, long largeSize)
            throws IOException, StartupException, CliException {
        for (int number = 1; number <= count; number++) {
            Path dir = parent == null
                    ? Files.createTempDirectory("servent-demo-" + number + "-")
                    : Files.createTempDirectory(Files.createDirectories(parent), "servent-demo-" + number + "-");
            dirs.add(dir);
            Path shared = dir.resolve("shared");
            DemoSamples.write(shared, number, number <= largeSources ? largeSize : 0);
            boolean first = number == 1;
            boolean hidden = number == count;
            List<Multiaddr> bootstrap =
                    first ? List.of() : peers.get(0).daemon().addresses();
            Daemon daemon = Daemon.start(dir.resolve("data"), c -> configure(c, first, hidden, bootstrap));
            String role = first ? "relay, directory server" : hidden ? "only via the relay" : "";
            ApiClient api = ApiClient.forDirectory(DataDirectory.at(dir.resolve("data")));
            peers.add(new Peer(number, role, daemon, api, dir, shared));
        }
    }

    private NodeConfig configure(NodeConfig c, boolean first, boolean hidden, List<Multiaddr> bootstrap) {
        // mDNS off: the peers must find each other through the bootstrap peer and the DHT, not meet
        // other nodes on the LAN. Public peers skip AutoNAT's dial-backs (on loopback it can only say
        // "public"); the hidden one is told it is private, so it reserves a slot on the relay.
        NodeConfig config = c.withListen(hidden ? List.of() : List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")))
                .withApiPort(0)
                .withLogLevel(logLevel)
                .withServices(c.services()
                        .withMdns(false)
                        .withBootstrap(bootstrap)
                        .withRelayService(first)
                        .withRelayClient(hidden)
                        .withForceReachability(hidden ? Reachability.PRIVATE : Reachability.PUBLIC));
        // Peer 1 is the directory server and a flooding super-peer; the others publish to it and
        // become leaves of it (a real network promotes super-peers by uptime and bandwidth).
        FilesConfig files = first
                ? config.files().withIndexServer(true).withSuperPeer(FilesConfig.SuperPeer.ALWAYS)
                : config.files().withIndexServers(bootstrap).withSuperPeer(FilesConfig.SuperPeer.NEVER);
        return config.withFiles(files);
    }

    List<Peer> peers() {
        return List.copyOf(peers);
    }

    Peer peer(int number) {
        return peers.get(number - 1);
    }

    /** The peer that listens nowhere. */
    Peer hidden() {
        return peers.get(peers.size() - 1);
    }

    List<Path> directories() {
        return List.copyOf(dirs);
    }

    @Override
    public void close() {
        close(false);
    }

    /** Stops every daemon (last started first) and, unless {@code keep}, deletes their directories. */
    void close(boolean keep) {
        for (int i = peers.size() - 1; i >= 0; i--) {
            peers.get(i).daemon().close();
        }
        if (!keep) {
            dirs.forEach(DemoNetwork::deleteRecursively);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Temp directories; the OS cleans them eventually. Say so rather than fail the demo.
            System.err.println("servent: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
