package io.servent.p2p.api;

/**
 * A stream whose protocol has been negotiated, on a connection to a known peer. Thread-safety as
 * {@link MuxedStream}.
 */
public interface Stream extends MuxedStream {
    /** The negotiated protocol id, e.g. {@code /ipfs/ping/1.0.0}. */
    String protocol();

    Connection connection();

    Direction direction();

    default PeerId remotePeer() {
        return connection().remotePeer();
    }
}
