package io.servent.p2p.api;

/**
 * A raw connection after a security handshake: bytes are encrypted and the remote peer is proven.
 * The same threading rules as {@link RawConnection} apply.
 */
public interface SecureConnection extends RawConnection {
    PeerId localPeer();

    PeerId remotePeer();

    PublicKey remotePublicKey();

    /** The security protocol id, e.g. {@code /noise}. */
    String securityProtocol();
}
