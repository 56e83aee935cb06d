package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of one download, the shape of the REST API's {@code Download}.
 *
 * @param size file size in bytes, or -1 until the root node has been fetched
 * @param speedBps bytes per second over the last few seconds
 * @param etaSeconds seconds left at that speed; empty if unknown
 * @param sources peers known to have some of the file
 * @param peers peers being downloaded from now
 * @param error why it is failed or paused by itself (full disk), a sentence a person understands
 * @param path the finished file, once done
 */
public record DownloadInfo(
        long id,
        Cid cid,
        String name,
        long size,
        long bytesDone,
        DownloadState state,
        long speedBps,
        OptionalLong etaSeconds,
        int sources,
        int peers,
        Optional<String> error,
        Optional<Path> path,
        boolean sequential,
        Path directory) {}
