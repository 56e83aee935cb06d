package io.servent.apps.files;

import io.servent.p2p.api.ProtocolViolationException;

/** A verified block is not a well-formed dag-pb / UnixFS file node (or breaks a bound servent sets). */
public class UnixFsFormatException extends ProtocolViolationException {
    public UnixFsFormatException(String message) {
        super(message);
    }

    public UnixFsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
