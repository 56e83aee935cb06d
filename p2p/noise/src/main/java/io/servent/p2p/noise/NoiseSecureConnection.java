package io.servent.p2p.noise;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection after a successful Noise handshake: {@link #out()} encrypts into frames, {@link #in()}
 * decrypts them.
 *
 * <p>Ownership: this connection owns the raw connection. It closes it on {@link #close()}, when a
 * received frame fails authentication and when a message counter is exhausted (either would make
 * further traffic unsafe); whoever holds this connection (the muxer) closes it on any other error.
 *
 * <p>Threading as for {@link RawConnection}: one thread may read while another writes; {@link
 * #close()} may be called from any thread and unblocks both.
 */
public final class NoiseSecureConnection implements SecureConnection {
    private static final Logger log = LoggerFactory.getLogger(NoiseSecureConnection.class);

    private final RawConnection raw;
    private final PeerId localPeer;
    private final PublicKey remoteKey;
    private final PeerId remotePeer;
    private final NoiseInputStream in;
    private final NoiseOutputStream out;
    private final NoiseCipherProvider provider;

    NoiseSecureConnection(
            RawConnection raw,
            PeerId localPeer,
            PublicKey remoteKey,
            NoiseHandshake.NoiseTransportCiphers ciphers,
            NoiseFramePool pool) {
        this.raw = raw;
        this.localPeer = localPeer;
        this.remoteKey = remoteKey;
        this.remotePeer = remoteKey.peerId();
        this.provider = ciphers.send().provider();
        this.in = new NoiseInputStream(raw.in(), ciphers.receive(), pool, this::closeForMisbehaviour);
        this.out = new NoiseOutputStream(raw.out(), ciphers.send(), pool, this::closeForMisbehaviour, raw::closeWrite);
    }

    @Override
    public InputStream in() {
        return in;
    }

    /**
     * Buffers up to one frame of plaintext; {@link OutputStream#flush()} sends it. {@link
     * OutputStream#close()} flushes and closes the raw output.
     */
    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public PublicKey remotePublicKey() {
        return remoteKey;
    }

    @Override
    public String securityProtocol() {
        return NoiseSecurity.PROTOCOL_ID;
    }

    /** The ChaCha20-Poly1305 implementation this connection uses. */
    public NoiseCipherProvider cipherProvider() {
        return provider;
    }

    /** Whether either direction currently borrows a frame buffer (true only with a frame in flight). */
    boolean holdsBuffers() {
        return in.holdsBuffer() || out.holdsBuffer();
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

    /** Sends what is staged, then half-closes: the peer reads end-of-stream; reading continues. */
    @Override
    public void closeWrite() throws IOException {
        out.close();
    }

    /** Closes the raw connection without flushing: staged plaintext that was not flushed is dropped. */
    @Override
    public void close() throws IOException {
        raw.close();
    }

    private void closeForMisbehaviour() {
        log.debug("closing noise connection with {} at {}: the session cannot continue safely", remotePeer, raw);
        try {
            raw.close();
        } catch (IOException e) {
            log.debug("closing {} failed: {}", raw, e.toString());
        }
    }

    @Override
    public String toString() {
        return "noise " + localPeer.shortString() + " <-> " + remotePeer.shortString() + " over " + raw;
    }
}
