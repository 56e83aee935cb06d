package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.util.List;

/**
 * Where a download finds providers of a root: the node plugs in DHT provider records and search
 * hits; tests pass explicit peers. Addresses of returned peers must be in the host's peerstore.
 * Called on a download's own thread when it starts and again while it has too few peers; it may
 * block for a bounded time. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ProviderSource {
    List<PeerId> providers(Cid root) throws IOException;

    static ProviderSource none() {
        return root -> List.of();
    }

    static ProviderSource of(List<PeerId> peers) {
        List<PeerId> copy = List.copyOf(peers);
        return root -> copy;
    }
}
