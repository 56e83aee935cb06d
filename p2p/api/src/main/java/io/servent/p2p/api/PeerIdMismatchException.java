package io.servent.p2p.api;

import java.io.IOException;

/** The peer proved a different identity from the one that was dialed. */
public class PeerIdMismatchException extends IOException {
    private final PeerId expected;
    private final PeerId actual;

    public PeerIdMismatchException(PeerId expected, PeerId actual) {
        super("dialed " + expected + " but the remote peer is " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public PeerId expected() {
        return expected;
    }

    public PeerId actual() {
        return actual;
    }
}
