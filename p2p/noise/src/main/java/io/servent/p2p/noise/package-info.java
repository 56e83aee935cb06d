/**
 * The libp2p Noise secure channel: {@code Noise_XX_25519_ChaChaPoly_SHA256} with the libp2p
 * handshake payload, protocol id {@code /noise}.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/noise/README.md">noise-libp2p</a>
 * @see <a href="https://noiseprotocol.org/noise.html">The Noise Protocol Framework, revision 34</a>
 */
@NullMarked
package io.servent.p2p.noise;

import org.jspecify.annotations.NullMarked;
