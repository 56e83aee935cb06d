package io.servent.apps.files;

import io.servent.p2p.api.Cid;

/**
 * A file a peer shares with us, as browsing shows it.
 *
 * @param id the sharer's cursor for it (for paging; meaningless elsewhere)
 * @param root its root CID: what to download
 * @param path {@code <share name>/<path in share>}
 */
public record BrowseEntry(long id, Cid root, String path, long size, long mtimeMillis) {}
