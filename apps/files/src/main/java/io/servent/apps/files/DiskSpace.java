package io.servent.apps.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How much space a directory's volume has left; a seam so tests can fill the disk. */
@FunctionalInterface
public interface DiskSpace {
    long usableBytes(Path directory) throws IOException;

    static DiskSpace system() {
        return dir -> Files.getFileStore(dir).getUsableSpace();
    }
}
