package io.servent.apps.files;

import io.servent.p2p.api.Cid;

/**
 * One file in a share list published to an index server.
 *
 * @param root the file's root CID
 * @param path {@code <share>/<path>}
 * @param size bytes
 */
public record DirectoryEntry(Cid root, String path, long size) {}
