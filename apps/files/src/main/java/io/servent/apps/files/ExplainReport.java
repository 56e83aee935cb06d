package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import java.util.List;
import java.util.Map;

/**
 * Why a file can or cannot be found or downloaded: which modes saw it, who has it, whether they can
 * be reached, and sentences saying what that means. The REST mapping is {@code {cid, modes: {server,
 * flood, dht}, providers, local, reasons}}.
 *
 * @param cid the file
 * @param modes for each mode, whether it has seen the file (in a search, or a live DHT lookup)
 * @param providers peers known to have it
 * @param local this node shares it
 * @param reasons plain sentences, most important first
 */
public record ExplainReport(
        Cid cid, Map<SearchMode, Boolean> modes, List<ExplainProvider> providers, boolean local, List<String> reasons) {
    public ExplainReport {
        modes = Map.copyOf(modes);
        providers = List.copyOf(providers);
        reasons = List.copyOf(reasons);
    }
}
