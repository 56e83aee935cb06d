/**
 * multistream-select 1.0: agreeing on the protocol spoken over a fresh connection or stream.
 *
 * @see <a href="https://github.com/multiformats/multistream-select">multistream-select</a>
 * @see <a href="https://github.com/libp2p/specs/blob/master/connections/README.md">libp2p connections</a>
 */
@NullMarked
package io.servent.p2p.multistream;

import org.jspecify.annotations.NullMarked;
