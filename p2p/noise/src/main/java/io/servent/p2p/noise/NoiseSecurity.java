package io.servent.p2p.noise;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PeerIdMismatchException;
import io.servent.p2p.api.PrivateKey;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import io.servent.p2p.api.SecurityProtocol;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libp2p Noise security protocol ({@code /noise}): an XX handshake whose second and third
 * messages carry the libp2p identity key and its signature over the Noise static key, then
 * ChaCha20-Poly1305 frames.
 *
 * <p>One static X25519 key is generated per instance and reused for every session (the spec allows
 * it and it saves an Ed25519 signature per handshake); a fresh ephemeral key is generated per
 * handshake.
 *
 * <p>Bounds: the whole handshake must finish within {@link NoiseConfig#handshakeTimeout()} (every
 * read is bounded by the remaining time, set with {@link RawConnection#setReadTimeout} and reset to
 * zero on success); each handshake message's length prefix is checked against its exact size rules
 * before anything is allocated.
 *
 * <p>Ownership of the raw connection: the call owns it while it runs. If the handshake fails, this
 * class closes the raw connection (it is unusable half-way through a handshake) and then throws;
 * on success the returned {@link NoiseSecureConnection} owns it.
 *
 * <p>Thread-safe: handshakes may run concurrently.
 */
public final class NoiseSecurity implements SecurityProtocol {
    public static final String PROTOCOL_ID = "/noise";

    private static final Logger log = LoggerFactory.getLogger(NoiseSecurity.class);
    private static final byte[] PROLOGUE = new byte[0];
    private static final byte[] EMPTY = new byte[0];

    private final NoiseConfig config;
    private final ChaChaPoly aead;
    private final X25519KeyPair staticKey;
    private final NoiseFramePool pool;
    private final AtomicReference<@Nullable SignedStaticKey> signed = new AtomicReference<>();

    public NoiseSecurity() {
        this(NoiseConfig.defaults());
    }

    public NoiseSecurity(NoiseConfig config) {
        this.config = config;
        this.aead = ChaChaPoly.select(config.cipherProviders());
        this.staticKey = X25519KeyPair.generate();
        this.pool = NoiseFramePool.SHARED;
        log.debug("noise uses {}", aead);
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    public NoiseConfig config() {
        return config;
    }

    /** The ChaCha20-Poly1305 implementation in use: Conscrypt when its native library loads, else the JDK. */
    public NoiseCipherProvider aeadProvider() {
        return aead.provider();
    }

    @Override
    public SecureConnection secureOutbound(RawConnection raw, PrivateKey localKey, Optional<PeerId> expected)
            throws IOException {
        return handshake(raw, localKey, true, expected);
    }

    @Override
    public SecureConnection secureInbound(RawConnection raw, PrivateKey localKey) throws IOException {
        return handshake(raw, localKey, false, Optional.empty());
    }

    private NoiseSecureConnection handshake(
            RawConnection raw, PrivateKey localKey, boolean initiator, Optional<PeerId> expected) throws IOException {
        long deadline = System.nanoTime() + config.handshakeTimeout().toNanos();
        try {
            NoiseHandshake handshake = initiator
                    ? NoiseHandshake.initiator(staticKey, X25519KeyPair.generate(), PROLOGUE, aead)
                    : NoiseHandshake.responder(staticKey, X25519KeyPair.generate(), PROLOGUE, aead);
            OutputStream out = raw.out();
            PublicKey remoteKey;
            if (initiator) {
                send(out, handshake.writeMessage(EMPTY));
                byte[] payload = handshake.readMessage(receive(raw, deadline, 1));
                remoteKey = NoisePayload.verify(payload, handshake.remoteStaticKey());
                PeerId remotePeer = remoteKey.peerId();
                if (expected.isPresent() && !expected.get().equals(remotePeer)) {
                    // Checked before our identity goes out: no need to tell an impostor who we are.
                    throw new PeerIdMismatchException(expected.get(), remotePeer);
                }
                send(out, handshake.writeMessage(payload(localKey)));
            } else {
                // receive() admits exactly the ephemeral key: libp2p sends no payload in message 1.
                handshake.readMessage(receive(raw, deadline, 0));
                send(out, handshake.writeMessage(payload(localKey)));
                byte[] payload = handshake.readMessage(receive(raw, deadline, 2));
                remoteKey = NoisePayload.verify(payload, handshake.remoteStaticKey());
            }
            raw.setReadTimeout(Duration.ZERO);
            return new NoiseSecureConnection(raw, localKey.publicKey().peerId(), remoteKey, handshake.split(), pool);
        } catch (IOException | RuntimeException e) {
            log.debug(
                    "noise handshake as {} with {} failed, closing: {}",
                    initiator ? "initiator" : "responder",
                    raw.remoteAddress(),
                    e.toString());
            closeQuietly(raw);
            throw e;
        }
    }

    /** Our payload, signed once per identity key: the static key does not change. */
    private byte[] payload(PrivateKey localKey) {
        SignedStaticKey cached = signed.get();
        if (cached != null && cached.identity().equals(localKey.publicKey())) {
            return cached.payload();
        }
        byte[] payload = NoisePayload.create(localKey, staticKey.publicKey());
        signed.set(new SignedStaticKey(localKey.publicKey(), payload));
        return payload;
    }

    /** An identity and the payload it signed; the payload is never handed out for modification. */
    private static final class SignedStaticKey {
        private final PublicKey identity;
        private final byte[] payload;

        SignedStaticKey(PublicKey identity, byte[] payload) {
            this.identity = identity;
            this.payload = payload;
        }

        PublicKey identity() {
            return identity;
        }

        byte[] payload() {
            return payload;
        }
    }

    /** Writes one length-prefixed handshake message in a single write. */
    private static void send(OutputStream out, byte[] message) throws IOException {
        byte[] frame = new byte[2 + message.length];
        frame[0] = (byte) (message.length >>> 8);
        frame[1] = (byte) message.length;
        System.arraycopy(message, 0, frame, 2, message.length);
        out.write(frame);
        out.flush();
    }

    /** Reads handshake message {@code index} (0, 1 or 2), checking its length before allocating. */
    private byte[] receive(RawConnection raw, long deadline, int index) throws IOException {
        String what = "handshake message " + (index + 1);
        InputStream in = raw.in();
        byte[] prefix = new byte[2];
        readFully(raw, in, prefix, deadline, what);
        int length = ((prefix[0] & 0xFF) << 8) | (prefix[1] & 0xFF);
        int min = NoiseHandshake.overhead(index);
        if (index == 0 && length != min) {
            throw new ProtocolViolationException("noise handshake message 1 must be " + min
                    + " bytes (an ephemeral key and no payload), not " + length);
        }
        int max = min + config.maxHandshakePayloadSize();
        if (length < min || length > max) {
            throw new ProtocolViolationException(
                    "noise " + what + " of " + length + " bytes is outside [" + min + ", " + max + "]");
        }
        byte[] message = new byte[length];
        readFully(raw, in, message, deadline, what);
        return message;
    }

    /** Fills {@code buffer}, bounding every read by the time left until {@code deadline}. */
    private void readFully(RawConnection raw, InputStream in, byte[] buffer, long deadline, String what)
            throws IOException {
        int read = 0;
        while (read < buffer.length) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw timedOut(what);
            }
            raw.setReadTimeout(Duration.ofNanos(remaining));
            int n;
            try {
                n = in.read(buffer, read, buffer.length - read);
            } catch (SocketTimeoutException e) {
                throw timedOut(what);
            }
            if (n < 0) {
                throw new EOFException("connection closed during the noise handshake after " + read + " of "
                        + buffer.length + " bytes of " + what);
            }
            read += n;
        }
    }

    private SocketTimeoutException timedOut(String what) {
        return new SocketTimeoutException(
                "noise handshake timed out after " + config.handshakeTimeout().toMillis() + " ms waiting for " + what);
    }

    private static void closeQuietly(RawConnection raw) {
        try {
            raw.close();
        } catch (IOException e) {
            log.debug("closing {} failed: {}", raw, e.toString());
        }
    }

    @Override
    public String toString() {
        return "NoiseSecurity[" + aead + "]";
    }
}
