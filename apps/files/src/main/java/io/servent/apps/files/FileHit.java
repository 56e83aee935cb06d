package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import java.util.List;

/**
 * One peer saying it has a file: one answer of one search mode. Immutable.
 *
 * @param root the file's root CID (what a download asks for; it authenticates every byte)
 * @param name how the provider names it ({@code <share>/<path>}); untrusted, display only
 * @param size bytes, as the provider claims
 * @param provider the peer that has it
 * @param addresses where the provider may be reached (possibly empty: use the peerstore)
 * @param mode which search mode found it
 */
public record FileHit(Cid root, String name, long size, PeerId provider, List<Multiaddr> addresses, SearchMode mode) {
    public FileHit {
        addresses = List.copyOf(addresses);
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
    }

    /** The last path element of {@link #name()}. */
    public String fileName() {
        return name.substring(name.lastIndexOf('/') + 1);
    }
}
