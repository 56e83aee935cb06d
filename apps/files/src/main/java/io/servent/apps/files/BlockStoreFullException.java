package io.servent.apps.files;

import java.io.IOException;

/**
 * The block store's disk is full (or would drop below its reserve): the block was not stored and no
 * partial file was left behind. Free space or move the data directory, then retry.
 */
public class BlockStoreFullException extends IOException {
    public BlockStoreFullException(String message) {
        super(message);
    }

    public BlockStoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
