package io.servent.node;

/**
 * A node operation failed in a way the caller should hear about: bad input, an unknown peer, a peer
 * that cannot be reached or did not answer in time. The message is for people; {@link #kind()} lets
 * the control API choose a status code.
 */
public final class NodeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, coarsely. */
    public enum Kind {
        /** The request itself is wrong (unparseable address, count out of range, …). */
        BAD_INPUT,
        /** The request lacks the API token or carries a wrong one. */
        UNAUTHORIZED,
        /** The request came from somewhere it may not (another site, a foreign Host header). */
        FORBIDDEN,
        /** No such peer (not connected, no known address) or no such route. */
        NOT_FOUND,
        /** The peer could not be reached, refused, failed the handshake or does not speak the protocol. */
        UNREACHABLE,
        /** The peer did not answer in time. */
        TIMEOUT,
        /** This node refused: a resource limit, or it is shutting down. */
        UNAVAILABLE
    }

    private final Kind kind;

    public NodeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public NodeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
