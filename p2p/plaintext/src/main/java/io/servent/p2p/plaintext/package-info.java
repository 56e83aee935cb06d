/**
 * libp2p plaintext 2.0.0: peers exchange and check identities but nothing is encrypted or
 * authenticated. Only for simulations and tests on trusted in-memory links; never for real networks.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/plaintext/README.md">plaintext</a>
 */
@NullMarked
package io.servent.p2p.plaintext;

import org.jspecify.annotations.NullMarked;
