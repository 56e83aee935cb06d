package io.servent.p2p.autonat;

import io.servent.p2p.api.PeerId;
import java.util.HashSet;
import java.util.Set;

/**
 * Turns dial-back answers into a {@link Reachability}, without I/O. The status changes once {@code
 * confirmations} distinct peers have reported the other outcome since the current status was last
 * confirmed: one contrary answer does not flip it, and one peer asked twice counts once. Answers
 * that say nothing about reachability (refused, bad request, internal error) are not recorded.
 * Not thread-safe: the client's probe thread owns it.
 */
final class ReachabilityTracker {
    private final int confirmations;
    private final Set<PeerId> reachedBy = new HashSet<>();
    private final Set<PeerId> failedBy = new HashSet<>();
    private Reachability status = Reachability.UNKNOWN;

    ReachabilityTracker(int confirmations) {
        this.confirmations = confirmations;
    }

    Reachability status() {
        return status;
    }

    /** Records one peer's answer; returns the status after it. */
    Reachability record(PeerId server, boolean dialedBack) {
        Reachability observed = dialedBack ? Reachability.PUBLIC : Reachability.PRIVATE;
        Set<PeerId> agreeing = dialedBack ? reachedBy : failedBy;
        Set<PeerId> disagreeing = dialedBack ? failedBy : reachedBy;
        if (status == observed) {
            disagreeing.clear(); // reconfirmed: contrary answers so far were outliers
            return status;
        }
        agreeing.add(server);
        disagreeing.remove(server); // a peer's latest answer is the one that counts
        if (agreeing.size() >= confirmations) {
            status = observed;
            reachedBy.clear();
            failedBy.clear();
        }
        return status;
    }
}
