package io.servent.apps.files;

import io.servent.p2p.api.ProtocolViolationException;

/**
 * A block's bytes do not hash to its CID, or the CID uses a hash servent cannot check. Whoever supplied
 * the block (a peer, a changed file, a corrupt disk) is not to be trusted for it.
 */
public class BlockVerificationException extends ProtocolViolationException {
    public BlockVerificationException(String message) {
        super(message);
    }
}
