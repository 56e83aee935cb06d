package io.servent.apps.files;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A dag-pb PBNode: links, then optional data. Immutable; the data array is owned by the node.
 *
 * @see <a href="https://ipld.io/specs/codecs/dag-pb/spec/">dag-pb</a>
 */
public final class DagPbNode {
    private final List<DagPbLink> links;
    private final byte @Nullable [] data;

    public DagPbNode(List<DagPbLink> links, byte @Nullable [] data) {
        this.links = List.copyOf(links);
        this.data = data;
    }

    public List<DagPbLink> links() {
        return links;
    }

    /** The Data field, if present (owned by the node: do not modify). */
    public Optional<byte[]> data() {
        return Optional.ofNullable(data);
    }

    /** Canonical bytes: see {@link DagPb#encode}. */
    public byte[] encode() {
        return DagPb.encode(this);
    }
}
