package io.servent.p2p.api;

/**
 * A value (varint, multihash, multibase string, multiaddr, CID, key, PeerId) could not be parsed.
 * The message says what was wrong and where; it never leaks an index error.
 *
 * <p>Unchecked because values often come from users and configuration; protocol code that decodes
 * wire bytes rethrows it as a {@link ProtocolViolationException}.
 */
public class MultiformatException extends IllegalArgumentException {
    public MultiformatException(String message) {
        super(message);
    }

    public MultiformatException(String message, Throwable cause) {
        super(message, cause);
    }
}
