/**
 * Interop tests: servent against libp2p implementations we did not write. {@link io.servent.interop.JsPeer}
 * runs a js-libp2p reference peer ({@code interop/js/peer.mjs}) as a child process.
 *
 * @see <a href="https://github.com/libp2p/js-libp2p">js-libp2p</a>
 */
@NullMarked
package io.servent.interop;

import org.jspecify.annotations.NullMarked;
