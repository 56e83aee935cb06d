package io.servent.apps.files;

import java.util.Locale;

/** Where a download is in its life; {@link #wire()} is the name the REST API uses. */
public enum DownloadState {
    QUEUED,
    RUNNING,
    PAUSED,
    DONE,
    FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DownloadState ofWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
