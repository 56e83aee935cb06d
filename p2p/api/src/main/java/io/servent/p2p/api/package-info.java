/**
 * The nouns every servent layer shares.
 *
 * @see <a href="https://github.com/multiformats">multiformats</a>
 * @see <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md">libp2p peer ids</a>
 */
@NullMarked
package io.servent.p2p.api;

import org.jspecify.annotations.NullMarked;
