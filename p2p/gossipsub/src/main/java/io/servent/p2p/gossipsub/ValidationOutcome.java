package io.servent.p2p.gossipsub;

/** How a {@link Validation} turned out, reported back to the router. */
public sealed interface ValidationOutcome {
    /** Authentic and accepted by the validator: deliver and forward. */
    record Valid(GossipsubMessage message) implements ValidationOutcome {}

    /** Authentic but rejected by the validator: every peer that sent it is penalised. */
    record Invalid(String reason) implements ValidationOutcome {}

    /** Authentic but ignored by the validator (or validation was throttled): dropped, no penalty. */
    record Ignored(String reason) implements ValidationOutcome {}

    /**
     * Not what it claims: a bad signature, a key that is not the author's, an author that is no PeerId.
     * The peers that sent exactly this copy are penalised; a different copy with the same id is judged
     * afresh.
     */
    record Unauthentic(String reason) implements ValidationOutcome {}
}
