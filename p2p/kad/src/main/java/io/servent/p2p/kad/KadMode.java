package io.servent.p2p.kad;

/**
 * Whether this node serves the DHT. A {@link #SERVER} registers the protocol handler, so identify
 * advertises it and other nodes add it to their routing tables; a {@link #CLIENT} only queries (a
 * node behind NAT that others cannot dial should be one).
 */
public enum KadMode {
    CLIENT,
    SERVER
}
