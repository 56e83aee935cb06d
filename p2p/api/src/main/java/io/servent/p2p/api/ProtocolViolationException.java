package io.servent.p2p.api;

import java.io.IOException;

/** The remote side broke a wire protocol: a malformed, oversize or out-of-order message. */
public class ProtocolViolationException extends IOException {
    public ProtocolViolationException(String message) {
        super(message);
    }

    public ProtocolViolationException(String message, Throwable cause) {
        super(message, cause);
    }
}
