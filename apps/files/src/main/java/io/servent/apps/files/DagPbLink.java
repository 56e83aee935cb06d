package io.servent.apps.files;

import io.servent.p2p.api.Cid;

/**
 * A dag-pb PBLink. When decoding, an absent Name reads as {@code ""} and an absent Tsize as 0; the
 * encoder always writes both, as kubo does.
 *
 * @param cid the linked block
 * @param name the link name ({@code ""} inside files)
 * @param tsize the cumulative size of the linked DAG in bytes (blocks, not file data)
 */
public record DagPbLink(Cid cid, String name, long tsize) {
    public DagPbLink {
        if (tsize < 0) {
            throw new IllegalArgumentException("negative Tsize " + tsize);
        }
    }
}
