package io.servent.apps.files;

import io.servent.p2p.api.PeerId;
import java.util.Set;

/** Who may see a share: everyone, or only the named peers. Immutable. */
public sealed interface ShareAccess {
    boolean allows(PeerId peer);

    static ShareAccess everyone() {
        return Everyone.INSTANCE;
    }

    static ShareAccess peers(Set<PeerId> peers) {
        return new Peers(peers);
    }

    static ShareAccess peers(PeerId... peers) {
        return new Peers(Set.of(peers));
    }

    /** Any peer that asks. */
    enum Everyone implements ShareAccess {
        INSTANCE;

        @Override
        public boolean allows(PeerId peer) {
            return true;
        }
    }

    /** Only these peers; an empty set shares with no one (but the owner). */
    record Peers(Set<PeerId> peers) implements ShareAccess {
        public Peers {
            peers = Set.copyOf(peers);
        }

        @Override
        public boolean allows(PeerId peer) {
            return peers.contains(peer);
        }
    }
}
