/**
 * The libp2p host: upgrades raw connections (multistream-select, security, muxer), dispatches
 * streams to protocol handlers, keeps the peerstore and enforces connection and stream limits.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/connections/README.md">connections</a>
 */
@NullMarked
package io.servent.p2p.host;

import org.jspecify.annotations.NullMarked;
