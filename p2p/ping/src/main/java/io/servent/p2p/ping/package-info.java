/**
 * The libp2p ping protocol.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/ping/ping.md">ping spec</a>
 */
@NullMarked
package io.servent.p2p.ping;

import org.jspecify.annotations.NullMarked;
