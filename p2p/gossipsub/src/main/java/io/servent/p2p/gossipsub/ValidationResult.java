package io.servent.p2p.gossipsub;

/**
 * What a {@link GossipsubValidator} decides about a message: deliver and forward it, reject it (the
 * sender's score takes the P4 penalty for an invalid message), or ignore it (dropped, no penalty).
 */
public sealed interface ValidationResult {
    static ValidationResult accept() {
        return Accept.INSTANCE;
    }

    static ValidationResult reject(String reason) {
        return new Reject(reason);
    }

    static ValidationResult ignore(String reason) {
        return new Ignore(reason);
    }

    /** Valid: deliver to the application and forward to the mesh. */
    enum Accept implements ValidationResult {
        INSTANCE
    }

    /** Invalid: dropped, and everyone who sent it to us is penalised. */
    record Reject(String reason) implements ValidationResult {}

    /** Not wanted, but not malicious (e.g. stale): dropped without penalty. */
    record Ignore(String reason) implements ValidationResult {}
}
