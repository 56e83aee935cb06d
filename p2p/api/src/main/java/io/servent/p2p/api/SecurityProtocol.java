package io.servent.p2p.api;

import java.io.IOException;
import java.util.Optional;

/**
 * A security handshake (Noise, plaintext for simulations) that turns a raw connection into a
 * secure one. Thread-safe; each call owns its connection until it returns.
 */
public interface SecurityProtocol {
    /** The multistream protocol id, e.g. {@code /noise}. */
    String protocolId();

    /**
     * Runs the handshake as the dialer.
     *
     * @param expected the peer we meant to reach; a different proven identity fails with
     *     {@link PeerIdMismatchException}
     */
    SecureConnection secureOutbound(RawConnection raw, PrivateKey localKey, Optional<PeerId> expected)
            throws IOException;

    SecureConnection secureInbound(RawConnection raw, PrivateKey localKey) throws IOException;
}
