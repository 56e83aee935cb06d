package io.servent.interop;

import org.jspecify.annotations.Nullable;

/** The js peer answered a command with an error, did not answer in time, or is gone. */
public final class JsPeerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JsPeerException(String message) {
        super(message);
    }

    public JsPeerException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
