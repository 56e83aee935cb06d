/**
 * File sharing and search: content addressing (UnixFS-compatible CIDs), the block store, shares with
 * access lists, search in three modes (directory server, super-peer flooding, DHT keywords) and
 * verified multi-source swarming downloads. Uses the network only through the p2p API.
 */
@NullMarked
package io.servent.apps.files;

import org.jspecify.annotations.NullMarked;
