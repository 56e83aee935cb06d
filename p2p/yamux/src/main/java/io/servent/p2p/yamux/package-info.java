/**
 * Yamux, the stream multiplexer libp2p negotiates as {@code /yamux/1.0.0}: many flow-controlled
 * streams over one secure connection, byte-compatible with go-yamux, rust-yamux and js-libp2p's yamux.
 *
 * <p>Threads and locks are described in {@link io.servent.p2p.yamux.YamuxConnection}.
 *
 * @see <a href="https://github.com/hashicorp/yamux/blob/master/spec.md">hashicorp yamux spec</a>
 * @see <a href="https://github.com/libp2p/specs/blob/master/yamux/README.md">libp2p yamux notes</a>
 */
@NullMarked
package io.servent.p2p.yamux;

import org.jspecify.annotations.NullMarked;
