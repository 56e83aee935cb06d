package io.servent.apps.files;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.Peerstore;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.plaintext.PlaintextSecurity;
import io.servent.p2p.testing.MemoryNetwork;
import io.servent.p2p.testing.MemoryTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Real hosts (memory transport, plaintext security for speed, Yamux) each with a files database,
 * a share index and the search services under test. Closes everything it started.
 */
final class SearchTestNetwork implements AutoCloseable {
    static final Multiaddr MEMORY = Multiaddr.parse("/memory/0");

    /** One peer and its files services. */
    static final class Peer {
        final int n;
        final BasicHost host;
        final FilesDatabase db;
        final ShareIndex index;
        final ShareIndexer indexer;
        final SearchResponder responder;
        final Path dir;

        @Nullable
        FloodService flood;

        Peer(int n, BasicHost host, FilesDatabase db, ShareIndexer indexer, SearchResponder responder, Path dir) {
            this.n = n;
            this.host = host;
            this.db = db;
            this.index = indexer.index();
            this.indexer = indexer;
            this.responder = responder;
            this.dir = dir;
        }

        FloodService flood() {
            return java.util.Objects.requireNonNull(flood);
        }

        /** Shares {@code files} (name → content) in a new folder {@code name} with {@code access}. */
        Share share(String name, ShareAccess access, String... files) throws IOException {
            Path root = dir.resolve(name);
            java.nio.file.Files.createDirectories(root);
            for (String f : files) {
                ShareIndexerTest.write(
                        root.resolve(f), (name + "/" + f + " of peer " + n).getBytes(StandardCharsets.UTF_8));
            }
            Share share = index.addShare(root, access);
            indexer.scan(share);
            return share;
        }

        Multiaddr address() {
            return host.listenAddresses().get(0).withPeerId(host.peerId());
        }

        @Override
        public String toString() {
            return "peer" + n + "(" + host.peerId().shortString() + ")";
        }
    }

    final MemoryNetwork memory = new MemoryNetwork();
    final List<Peer> peers = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private final Path tmp;

    SearchTestNetwork(Path tmp) {
        this.tmp = tmp;
    }

    Peer start() throws IOException {
        return start(SearchResponder.QUERIES_PER_SECOND, SearchResponder.QUERY_BURST);
    }

    Peer start(double queriesPerSecond, double burst) throws IOException {
        int n = peers.size();
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults().withListenAddresses(List.of(MEMORY)))
                .transport(new MemoryTransport(memory))
                .security(new PlaintextSecurity())
                .build();
        host.start();
        Path dir = tmp.resolve("peer" + n);
        FilesDatabase db = FilesDatabase.open(dir.resolve("files.db"));
        ShareIndexer indexer = new ShareIndexer(new ShareIndex(db), ShareIndexerTest.LAYOUT, 1);
        SearchResponder responder = new SearchResponder(host, indexer.index(), queriesPerSecond, burst);
        Peer p = new Peer(n, host, db, indexer, responder, dir);
        closeables.add(responder);
        closeables.add(indexer);
        closeables.add(db);
        closeables.add(host);
        peers.add(p);
        return p;
    }

    List<Peer> start(int count) throws IOException {
        List<Peer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(start());
        }
        return out;
    }

    /** Every peer learns every other's address (as identify or a DHT would teach it). */
    void introduceAll() {
        for (Peer a : peers) {
            for (Peer b : peers) {
                if (a != b) {
                    a.host.peerstore().addAddresses(b.host.peerId(), b.host.listenAddresses(), Peerstore.CONNECTED_TTL);
                }
            }
        }
    }

    /** Closed first, before the hosts and databases (last in, first out). */
    void own(AutoCloseable c) {
        closeables.add(c);
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(closeables);
        java.util.Collections.reverse(all);
        // services first (they were added after their hosts), then hosts in parallel
        for (AutoCloseable c : all) {
            if (!(c instanceof BasicHost)) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing: keep going
                }
            }
        }
        all.stream().filter(c -> c instanceof BasicHost).parallel().forEach(c -> ((BasicHost) c).close());
    }
}
