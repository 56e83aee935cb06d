package io.servent.p2p.kad;

import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.util.List;

/** The outcome of a lookup: the closest peers that answered (closest first), its counters and how long it took. */
public record KadLookupResult(List<PeerId> closest, KadLookup.Stats stats, Duration elapsed) {
    public KadLookupResult {
        closest = List.copyOf(closest);
    }
}
