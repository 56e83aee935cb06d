package io.servent.p2p.relay;

import java.io.IOException;

/** A relay (or the peer behind it) answered a reservation or connect request with a status other than OK. */
public final class RelayStatusException extends IOException {
    private static final long serialVersionUID = 1L;

    private final CircuitStatus status;

    public RelayStatusException(CircuitStatus status, String message) {
        super(message + ": " + status);
        this.status = status;
    }

    public CircuitStatus status() {
        return status;
    }
}
