package io.servent.p2p.api;

/** A stream multiplexer (Yamux) that runs over a secure connection. Thread-safe. */
public interface StreamMuxer {
    /** The multistream protocol id, e.g. {@code /yamux/1.0.0}. */
    String protocolId();

    /** Wraps {@code connection}; the result owns it and closes it on {@link MuxedConnection#close()}. */
    MuxedConnection wrap(SecureConnection connection, boolean initiator);
}
