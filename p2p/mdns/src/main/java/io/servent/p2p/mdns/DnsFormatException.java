package io.servent.p2p.mdns;

import io.servent.p2p.api.ProtocolViolationException;

/** A DNS message that is malformed, truncated or beyond the codec's bounds. */
public final class DnsFormatException extends ProtocolViolationException {
    public DnsFormatException(String message) {
        super(message);
    }
}
