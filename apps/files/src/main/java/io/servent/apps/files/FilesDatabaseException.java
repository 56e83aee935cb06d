package io.servent.apps.files;

import java.io.IOException;

/** The files database failed (I/O, a full disk, a corrupt file); wraps the SQLite error. */
public class FilesDatabaseException extends IOException {
    public FilesDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
