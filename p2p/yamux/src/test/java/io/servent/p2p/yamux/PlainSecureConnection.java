package io.servent.p2p.yamux;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Test-only: a raw connection presented as a secure one, with fixed peer ids and no encryption. With
 * a buffer size it buffers both directions like the Noise layer does (frames leave on flush or when
 * the buffer fills); with 0 it passes bytes straight to the socket.
 */
final class PlainSecureConnection implements SecureConnection {
    private final RawConnection raw;
    private final PeerId local;
    private final PeerId remote;
    private final InputStream in;
    private final OutputStream out;

    PlainSecureConnection(RawConnection raw, PeerId local, PeerId remote, int bufferSize) {
        this.raw = raw;
        this.local = local;
        this.remote = remote;
        this.in = bufferSize > 0 ? new BufferedInputStream(raw.in(), bufferSize) : raw.in();
        this.out = bufferSize > 0 ? new BufferedOutputStream(raw.out(), bufferSize) : raw.out();
    }

    @Override
    public PeerId localPeer() {
        return local;
    }

    @Override
    public PeerId remotePeer() {
        return remote;
    }

    @Override
    public PublicKey remotePublicKey() {
        return remote.publicKey().orElseThrow();
    }

    @Override
    public String securityProtocol() {
        return "/plaintext-for-tests";
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public Multiaddr localAddress() {
        return raw.localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        raw.setReadTimeout(timeout);
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
