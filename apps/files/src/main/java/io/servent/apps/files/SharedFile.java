package io.servent.apps.files;

import io.servent.p2p.api.Cid;

/**
 * An indexed file of a share.
 *
 * @param id database id (stable while the file stays; browse cursors use it)
 * @param shareId its share
 * @param shareName its share's display name
 * @param path path inside the share, {@code /}-separated
 * @param name the file name (last path element)
 * @param size bytes
 * @param mtimeMillis modification time when hashed
 * @param root the file's UnixFS root CID
 */
public record SharedFile(
        long id, long shareId, String shareName, String path, String name, long size, long mtimeMillis, Cid root) {
    /** How others see it: {@code <share name>/<path>}. */
    public String displayPath() {
        return shareName + "/" + path;
    }
}
