/**
 * The TCP transport: {@code /ip4/…/tcp/…} and {@code /ip6/…/tcp/…}, dial and listen.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/connections/README.md">connections</a>
 */
@NullMarked
package io.servent.p2p.tcp;

import org.jspecify.annotations.NullMarked;
