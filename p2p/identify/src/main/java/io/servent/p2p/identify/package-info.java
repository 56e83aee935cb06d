/**
 * The libp2p identify protocol.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/identify/README.md">identify spec</a>
 */
@NullMarked
package io.servent.p2p.identify;

import org.jspecify.annotations.NullMarked;
