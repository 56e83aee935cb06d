package io.servent.p2p.api;

import java.io.IOException;

/**
 * A resource limit (connections, streams, pending handshakes, buffered bytes) refused the request.
 * The message names the limit and its value so an operator can tell which knob to turn.
 */
public class ResourceLimitException extends IOException {
    public ResourceLimitException(String message) {
        super(message);
    }
}
