package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import java.io.IOException;

/** Somewhere to get verified blocks by CID: the block store, a peer, a swarm. */
@FunctionalInterface
public interface BlockSource {
    /**
     * The block, verified against {@code cid}.
     *
     * @throws java.io.FileNotFoundException or another IOException if it cannot be had
     */
    Block get(Cid cid) throws IOException;
}
