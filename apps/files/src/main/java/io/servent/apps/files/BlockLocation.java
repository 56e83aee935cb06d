package io.servent.apps.files;

import java.nio.file.Path;

/**
 * Where a shared leaf's bytes are: {@code [offset, offset + length)} of a file, as indexed when the
 * file had {@code fileSize} bytes and modification time {@code mtimeMillis}.
 */
public record BlockLocation(
        long shareId, long fileId, Path file, long offset, int length, long fileSize, long mtimeMillis) {}
