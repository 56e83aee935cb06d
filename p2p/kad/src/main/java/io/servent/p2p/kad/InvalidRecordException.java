package io.servent.p2p.kad;

import io.servent.p2p.api.ProtocolViolationException;

/**
 * A DHT record failed validation: malformed, a forged signature, a key its value does not match, a
 * namespace nobody validates, or older than the record already stored. The message says which, so it
 * can be logged as is.
 */
public class InvalidRecordException extends ProtocolViolationException {
    public InvalidRecordException(String message) {
        super(message);
    }

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
