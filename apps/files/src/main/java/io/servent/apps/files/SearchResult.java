package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.PeerId;
import java.util.List;
import java.util.Set;

/**
 * The hits of one search for one CID, merged: every provider and name seen, and a score for ranking
 * (higher first). A snapshot; immutable.
 *
 * @param cid the root CID
 * @param name the name most providers use
 * @param names every distinct name seen (bounded)
 * @param size the size most providers claim
 * @param type the kind of file its name says
 * @param providers distinct providers, in the order they were seen
 * @param modes the modes that found it
 * @param score ranking: more sources, better name match, better provider reputation rank higher
 */
public record SearchResult(
        Cid cid,
        String name,
        List<String> names,
        long size,
        FileType type,
        List<PeerId> providers,
        Set<SearchMode> modes,
        double score) {
    public SearchResult {
        names = List.copyOf(names);
        providers = List.copyOf(providers);
        modes = Set.copyOf(modes);
    }

    /** How many peers have it. */
    public int sources() {
        return providers.size();
    }
}
