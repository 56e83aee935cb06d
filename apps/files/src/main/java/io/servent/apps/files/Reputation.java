package io.servent.apps.files;

import io.servent.p2p.api.PeerId;

/**
 * What this node remembers of a peer as a source of files.
 *
 * @param peer the peer
 * @param goodBlocks blocks it served that verified
 * @param badBlocks blocks it served that did not verify against their CID
 * @param stalls requests it let time out
 * @param spam search hits it sent that were judged spam (e.g. a name that does not match, or a
 *     CID whose content then failed)
 * @param updatedMillis when any of these last changed
 */
public record Reputation(PeerId peer, long goodBlocks, long badBlocks, long stalls, long spam, long updatedMillis) {
    /** In (-1, 1): 0 for a stranger, towards 1 for many good blocks, towards -1 for bad data or spam. */
    public double score() {
        double bad = 10.0 * badBlocks + 2.0 * stalls + 5.0 * spam;
        return (goodBlocks - bad) / (goodBlocks + bad + 10.0);
    }
}
