package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.util.Optional;

/**
 * Answers "may {@code requester} have block {@code cid}, and what are its bytes?" for the block
 * protocol. A block the requester may not have reads exactly like one that does not exist.
 */
public interface BlockProvider {
    /**
     * The verified block, or empty if it is not here or not for this requester.
     *
     * @throws BlockVerificationException if the CID's hash is not one servent can verify (sha2-256)
     */
    Optional<Block> block(Cid cid, PeerId requester) throws IOException;

    /** Whether {@link #block} would likely succeed, without reading it (for HAVE answers). */
    boolean has(Cid cid, PeerId requester) throws IOException;
}
