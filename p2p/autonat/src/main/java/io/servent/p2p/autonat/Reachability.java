package io.servent.p2p.autonat;

/** What AutoNAT concluded about this host: can others dial it at its own addresses? */
public enum Reachability {
    /** Not enough answers yet. */
    UNKNOWN,
    /** Enough peers dialed back successfully: run servers (DHT server mode, relay service). */
    PUBLIC,
    /** Enough peers failed to dial back: stay a client and get reachable through relays. */
    PRIVATE
}
