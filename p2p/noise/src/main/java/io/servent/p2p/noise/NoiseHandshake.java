package io.servent.p2p.noise;

import io.servent.p2p.api.ProtocolViolationException;
import java.io.IOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The Noise {@code XX} handshake (Noise revision 34, sections 5.3 and 7.5) for
 * {@code Noise_XX_25519_ChaChaPoly_SHA256}, sans I/O: it is fed whole handshake messages and returns
 * whole handshake messages, without the libp2p length prefix.
 *
 * <pre>
 *   -&gt; e
 *   &lt;- e, ee, s, es
 *   -&gt; s, se
 * </pre>
 *
 * <p>Keys are injected so the published test vectors can be replayed. Payloads are opaque here; the
 * libp2p rules about them live in {@link NoiseSecurity}. Any failure leaves the handshake unusable.
 * Not thread-safe.
 */
final class NoiseHandshake {
    static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    /** The largest Noise message (section 3). */
    static final int MAX_MESSAGE_LENGTH = 65535;

    private static final int DH_LENGTH = X25519KeyPair.KEY_LENGTH;
    private static final int ENCRYPTED_KEY_LENGTH = DH_LENGTH + ChaChaPoly.TAG_LENGTH;
    /** Bytes each message carries besides its payload, by message index. */
    private static final int[] OVERHEAD = {
        DH_LENGTH,
        DH_LENGTH + ENCRYPTED_KEY_LENGTH + ChaChaPoly.TAG_LENGTH,
        ENCRYPTED_KEY_LENGTH + ChaChaPoly.TAG_LENGTH
    };

    private final boolean initiator;
    private final X25519KeyPair s;
    private final X25519KeyPair e;
    private final NoiseSymmetricState state;
    private byte @Nullable [] re;
    private byte @Nullable [] rs;
    private int messages;
    private boolean failed;

    private NoiseHandshake(boolean initiator, X25519KeyPair s, X25519KeyPair e, byte[] prologue, ChaChaPoly aead) {
        this.initiator = initiator;
        this.s = s;
        this.e = e;
        this.state = new NoiseSymmetricState(PROTOCOL_NAME, aead);
        state.mixHash(prologue);
    }

    static NoiseHandshake initiator(X25519KeyPair s, X25519KeyPair e, byte[] prologue, ChaChaPoly aead) {
        return new NoiseHandshake(true, s, e, prologue, aead);
    }

    static NoiseHandshake responder(X25519KeyPair s, X25519KeyPair e, byte[] prologue, ChaChaPoly aead) {
        return new NoiseHandshake(false, s, e, prologue, aead);
    }

    /** Bytes that message {@code index} (0, 1 or 2) carries besides its payload. */
    static int overhead(int index) {
        return OVERHEAD[index];
    }

    boolean isInitiator() {
        return initiator;
    }

    /** Whether the next step is ours to write (rather than to read). */
    boolean isWriteTurn() {
        return !isComplete() && (messages % 2 == 0) == initiator;
    }

    boolean isComplete() {
        return messages == 3;
    }

    /** How many handshake messages have been written or read so far. */
    int messageCount() {
        return messages;
    }

    /** Writes the next message, carrying {@code payload}. */
    byte[] writeMessage(byte[] payload) throws IOException {
        checkUsable();
        if (!isWriteTurn()) {
            throw new IllegalStateException("not our turn to write: " + messages + " messages so far");
        }
        if (OVERHEAD[messages] + payload.length > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("a " + payload.length + "-byte payload makes handshake message "
                    + (messages + 1) + " exceed " + MAX_MESSAGE_LENGTH + " bytes");
        }
        failed = true; // until the message is complete
        byte[] message =
                switch (messages) {
                    case 0 -> {
                        byte[] ePublic = e.publicKey();
                        state.mixHash(ePublic);
                        yield concat(ePublic, state.encryptAndHash(payload));
                    }
                    case 1 -> {
                        byte[] remoteEphemeral = required(re);
                        byte[] ePublic = e.publicKey();
                        state.mixHash(ePublic);
                        state.mixKey(e.dh(remoteEphemeral)); // ee
                        byte[] encryptedStatic = state.encryptAndHash(s.publicKey());
                        state.mixKey(s.dh(remoteEphemeral)); // es
                        yield concat(ePublic, encryptedStatic, state.encryptAndHash(payload));
                    }
                    default -> {
                        byte[] encryptedStatic = state.encryptAndHash(s.publicKey());
                        state.mixKey(s.dh(required(re))); // se
                        yield concat(encryptedStatic, state.encryptAndHash(payload));
                    }
                };
        messages++;
        failed = false;
        return message;
    }

    /** Reads the peer's next message and returns its decrypted payload. */
    byte[] readMessage(byte[] message) throws ProtocolViolationException {
        checkUsable();
        if (isWriteTurn() || isComplete()) {
            throw new IllegalStateException("not our turn to read: " + messages + " messages so far");
        }
        int index = messages;
        if (message.length < OVERHEAD[index] || message.length > MAX_MESSAGE_LENGTH) {
            failed = true;
            throw new ProtocolViolationException("noise handshake message " + (index + 1) + " has " + message.length
                    + " bytes; it must have between " + OVERHEAD[index] + " and " + MAX_MESSAGE_LENGTH);
        }
        failed = true; // until the message is accepted
        byte[] payload =
                switch (index) {
                    case 0 -> {
                        byte[] remoteEphemeral = Arrays.copyOfRange(message, 0, DH_LENGTH);
                        re = remoteEphemeral;
                        state.mixHash(remoteEphemeral);
                        yield state.decryptAndHash(Arrays.copyOfRange(message, DH_LENGTH, message.length));
                    }
                    case 1 -> {
                        byte[] remoteEphemeral = Arrays.copyOfRange(message, 0, DH_LENGTH);
                        re = remoteEphemeral;
                        state.mixHash(remoteEphemeral);
                        state.mixKey(e.dh(remoteEphemeral)); // ee
                        int staticEnd = DH_LENGTH + ENCRYPTED_KEY_LENGTH;
                        byte[] remoteStatic = decryptStatic(Arrays.copyOfRange(message, DH_LENGTH, staticEnd), index);
                        rs = remoteStatic;
                        state.mixKey(e.dh(remoteStatic)); // es
                        yield decryptPayload(Arrays.copyOfRange(message, staticEnd, message.length), index);
                    }
                    default -> {
                        byte[] remoteStatic =
                                decryptStatic(Arrays.copyOfRange(message, 0, ENCRYPTED_KEY_LENGTH), index);
                        rs = remoteStatic;
                        state.mixKey(e.dh(remoteStatic)); // se
                        yield decryptPayload(Arrays.copyOfRange(message, ENCRYPTED_KEY_LENGTH, message.length), index);
                    }
                };
        messages++;
        failed = false;
        return payload;
    }

    private byte[] decryptStatic(byte[] encrypted, int index) throws ProtocolViolationException {
        try {
            return state.decryptAndHash(encrypted);
        } catch (ProtocolViolationException ex) {
            throw new ProtocolViolationException(
                    "noise handshake message " + (index + 1) + ": the static key failed authentication", ex);
        }
    }

    private byte[] decryptPayload(byte[] encrypted, int index) throws ProtocolViolationException {
        try {
            return state.decryptAndHash(encrypted);
        } catch (ProtocolViolationException ex) {
            throw new ProtocolViolationException(
                    "noise handshake message " + (index + 1) + ": the payload failed authentication", ex);
        }
    }

    /** The peer's static X25519 key, once its message carrying it has been read. */
    byte[] remoteStaticKey() {
        return required(rs).clone();
    }

    /** The handshake hash {@code h}, for channel binding and test vectors. */
    byte[] handshakeHash() {
        return state.handshakeHash();
    }

    /** Split(), oriented for this side. Only after the third message. */
    NoiseTransportCiphers split() {
        checkUsable();
        if (!isComplete()) {
            throw new IllegalStateException("the handshake is not complete: " + messages + " messages so far");
        }
        NoiseCipherState[] pair = state.split();
        return initiator ? new NoiseTransportCiphers(pair[0], pair[1]) : new NoiseTransportCiphers(pair[1], pair[0]);
    }

    /** The two transport cipher states of one side. */
    record NoiseTransportCiphers(NoiseCipherState send, NoiseCipherState receive) {}

    private void checkUsable() {
        if (failed) {
            throw new IllegalStateException("the noise handshake already failed");
        }
    }

    private static byte[] required(byte @Nullable [] key) {
        if (key == null) {
            throw new IllegalStateException("the remote key is not known yet");
        }
        return key;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
