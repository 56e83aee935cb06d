/**
 * File sharing and search: content addressing (UnixFS-compatible CIDs), the block store, shares with
 * access lists, search in three modes (directory server, super-peer flooding, DHT keywords) and
 * verified multi-source swarming downloads. Uses the network only through the p2p API.
 *
 * <p>Content addressing follows <a href="https://github.com/ipfs/specs/blob/main/UNIXFS.md">UnixFS</a>
 * over <a href="https://ipld.io/specs/codecs/dag-pb/spec/">dag-pb</a> with
 * <a href="https://github.com/multiformats/cid">CIDv1</a>, as kubo's {@code ipfs add --cid-version=1
 * --raw-leaves} does; the module README lists the public API and the measurements behind {@link
 * io.servent.apps.files.UnixFs#BLOCK_SIZE}.
 */
@NullMarked
package io.servent.apps.files;

import org.jspecify.annotations.NullMarked;
