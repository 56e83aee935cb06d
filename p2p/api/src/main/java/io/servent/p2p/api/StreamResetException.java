package io.servent.p2p.api;

import java.io.IOException;

/** The stream was aborted, by the remote peer or locally, before it finished. */
public class StreamResetException extends IOException {
    public StreamResetException(String message) {
        super(message);
    }
}
