package io.servent.p2p.api;

/** Who opened a connection or stream. */
public enum Direction {
    INBOUND,
    OUTBOUND
}
