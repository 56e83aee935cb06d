package io.servent.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import io.servent.p2p.api.proto.CryptoProto;
import io.servent.p2p.noise.NoiseHandshake.NoiseTransportCiphers;
import io.servent.p2p.noise.proto.NoiseProto.NoiseExtensions;
import io.servent.p2p.noise.proto.NoiseProto.NoiseHandshakePayload;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A scripted peer, speaking raw bytes over loopback TCP, misbehaves; servent must fail cleanly. */
@Timeout(60)
class NoiseMisbehaviourTest {
    private final Ed25519PrivateKey ourKey = Ed25519PrivateKey.generate();
    private final Ed25519PrivateKey peerKey = Ed25519PrivateKey.generate();
    private final NoiseSecurity security =
            new NoiseSecurity(NoiseConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(5)));
    private NoiseTestPeers peers;
    private RawConnection ours;
    private NoiseTestPeers.RecordingConnection oursRecorded;
    private RawConnection theirs;

    @BeforeEach
    void setUp() throws Exception {
        peers = new NoiseTestPeers();
        RawConnection[] raw = peers.pair();
        ours = raw[0];
        oursRecorded = new NoiseTestPeers.RecordingConnection(ours);
        theirs = raw[1];
    }

    @AfterEach
    void tearDown() throws IOException {
        ours.close();
        theirs.close();
        peers.close();
    }

    private Future<SecureConnection> dial() {
        return peers.async(() -> security.secureOutbound(oursRecorded, ourKey, Optional.empty()));
    }

    private Future<SecureConnection> accept(NoiseSecurity with) {
        return peers.async(() -> with.secureInbound(oursRecorded, ourKey));
    }

    /** The handshake future fails with {@code type} whose message contains {@code text}, and our side is closed. */
    private void assertFails(Future<SecureConnection> handshake, Class<? extends IOException> type, String text)
            throws Exception {
        assertThatThrownBy(() -> handshake.get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(type)
                .hasMessageContaining(text);
        assertThat(oursRecorded.closed)
                .as("the failed handshake closed the raw connection")
                .isTrue();
        assertPeerSeesTheEnd();
    }

    /** Whatever our side sent before it closed, the peer then reaches the end of the stream. */
    private void assertPeerSeesTheEnd() throws IOException {
        theirs.setReadTimeout(Duration.ofSeconds(5));
        theirs.in().readAllBytes();
        assertThat(theirs.in().read()).as("the peer sees the connection end").isEqualTo(-1);
    }

    // ---- the responder's identity -------------------------------------------------------------

    @Test
    void responderSigningAnotherStaticKeyIsRejected() throws Exception {
        Future<SecureConnection> handshake = dial();
        ScriptedNoisePeer peer = ScriptedNoisePeer.responder(theirs);
        peer.read();
        peer.write(NoisePayload.create(peerKey, X25519KeyPair.generate().publicKey()));
        assertFails(handshake, ProtocolViolationException.class, "signature in the noise handshake does not verify");
    }

    @Test
    void initiatorSigningAnotherStaticKeyIsRejected() throws Exception {
        Future<SecureConnection> handshake = accept(security);
        ScriptedNoisePeer peer = ScriptedNoisePeer.initiator(theirs);
        peer.write(new byte[0]);
        NoisePayload.verify(peer.read(), peer.handshake.remoteStaticKey());
        peer.write(NoisePayload.create(peerKey, X25519KeyPair.generate().publicKey()));
        assertFails(handshake, ProtocolViolationException.class, "signature in the noise handshake does not verify");
    }

    @Test
    void responderWithAGarbageSignatureIsRejected() throws Exception {
        Future<SecureConnection> handshake = dial();
        ScriptedNoisePeer peer = ScriptedNoisePeer.responder(theirs);
        peer.read();
        byte[] signature = peerKey.sign(NoisePayload.signedData(peer.staticKey.publicKey()));
        signature[10] ^= 1;
        peer.write(payload(peerKey.publicKey().marshal(), signature));
        assertFails(handshake, ProtocolViolationException.class, "does not verify");
    }

    @Test
    void responderWithoutAnIdentityKeyIsRejected() throws Exception {
        Future<SecureConnection> handshake = dial();
        ScriptedNoisePeer peer = ScriptedNoisePeer.responder(theirs);
        peer.read();
        peer.write(NoiseHandshakePayload.newBuilder()
                .setIdentitySig(ByteString.copyFrom(new byte[64]))
                .build()
                .toByteArray());
        assertFails(handshake, ProtocolViolationException.class, "lacks the identity key");
    }

    @Test
    void responderWithAnUnsupportedKeyTypeIsRejected() throws Exception {
        Future<SecureConnection> handshake = dial();
        ScriptedNoisePeer peer = ScriptedNoisePeer.responder(theirs);
        peer.read();
        byte[] rsaKey = CryptoProto.PublicKey.newBuilder()
                .setType(CryptoProto.KeyType.RSA)
                .setData(ByteString.copyFrom(new byte[270]))
                .build()
                .toByteArray();
        peer.write(payload(rsaKey, new byte[256]));
        assertFails(handshake, ProtocolViolationException.class, "unusable identity key");
    }

    @Test
    void responderWithAMalformedPayloadIsRejected() throws Exception {
        Future<SecureConnection> handshake = dial();
        ScriptedNoisePeer peer = ScriptedNoisePeer.responder(theirs);
        peer.read();
        peer.write(new byte[] {(byte) 0x0A, (byte) 0xFF, 0x01}); // field 1 claiming 255 bytes, 1 present
        assertFails(handshake, ProtocolViolationException.class, "malformed noise handshake payload");
    }

    @Test
    void extensionsAndUnknownFieldsAreIgnored() throws Exception {
        Future<SecureConnection> handshake = dial();
        ScriptedNoisePeer peer = ScriptedNoisePeer.responder(theirs);
        peer.read();
        byte[] payload =
                NoiseHandshakePayload.parseFrom(NoisePayload.create(peerKey, peer.staticKey.publicKey())).toBuilder()
                        .setExtensions(NoiseExtensions.newBuilder()
                                .addStreamMuxers("/yamux/1.0.0")
                                .addWebtransportCerthashes(ByteString.copyFrom(new byte[34])))
                        .build()
                        .toByteArray();
        byte[] withUnknownField = Arrays.copyOf(payload, payload.length + 3);
        withUnknownField[payload.length] = (byte) (9 << 3); // field 9, varint
        withUnknownField[payload.length + 1] = (byte) 0x96;
        withUnknownField[payload.length + 2] = 0x01;
        peer.write(withUnknownField);
        peer.read();
        try (SecureConnection connection = handshake.get(10, TimeUnit.SECONDS)) {
            assertThat(connection.remotePeer()).isEqualTo(peerKey.publicKey().peerId());
        }
    }

    // ---- malformed handshake messages ------------------------------------------------------------

    @Test
    void garbageInsteadOfTheFirstMessageIsRejected() throws Exception {
        Future<SecureConnection> handshake = accept(security);
        theirs.out().write("GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertFails(handshake, ProtocolViolationException.class, "message 1 must be 32 bytes");
    }

    @Test
    void aFirstMessageWithAPayloadIsRejected() throws Exception {
        Future<SecureConnection> handshake = accept(security);
        ScriptedNoisePeer.initiator(theirs).write("early".getBytes(StandardCharsets.US_ASCII));
        assertFails(handshake, ProtocolViolationException.class, "message 1 must be 32 bytes");
    }

    @Test
    void anOversizeLengthPrefixIsRejectedBeforeReading() throws Exception {
        Future<SecureConnection> handshake = dial();
        ScriptedNoisePeer.readFrame(theirs.in());
        theirs.out().write(new byte[] {(byte) 0xFF, (byte) 0xFF}); // 65535 bytes announced, none sent
        assertFails(handshake, ProtocolViolationException.class, "message 2 of 65535 bytes is outside [96, 16480]");
    }

    @Test
    void anUndersizeSecondMessageIsRejected() throws Exception {
        Future<SecureConnection> handshake = dial();
        ScriptedNoisePeer.readFrame(theirs.in());
        ScriptedNoisePeer.writeFrame(theirs.out(), new byte[95]);
        assertFails(handshake, ProtocolViolationException.class, "message 2 of 95 bytes is outside");
    }

    @Test
    void aRandomSecondMessageFailsAuthentication() throws Exception {
        Future<SecureConnection> handshake = dial();
        ScriptedNoisePeer.readFrame(theirs.in());
        byte[] junk = new byte[200];
        new Random(7).nextBytes(junk);
        ScriptedNoisePeer.writeFrame(theirs.out(), junk);
        assertFails(handshake, ProtocolViolationException.class, "static key failed authentication");
    }

    @Test
    void aTamperedThirdMessageFailsAuthentication() throws Exception {
        Future<SecureConnection> handshake = accept(security);
        ScriptedNoisePeer peer = ScriptedNoisePeer.initiator(theirs);
        peer.write(new byte[0]);
        peer.read();
        byte[] message = peer.handshake.writeMessage(NoisePayload.create(peerKey, peer.staticKey.publicKey()));
        message[message.length - 1] ^= 0x40;
        ScriptedNoisePeer.writeFrame(theirs.out(), message);
        assertFails(handshake, ProtocolViolationException.class, "message 3: the payload failed authentication");
    }

    @Test
    void aTruncatedSecondMessageIsAnEof() throws Exception {
        Future<SecureConnection> handshake = dial();
        ScriptedNoisePeer.readFrame(theirs.in());
        theirs.out().write(new byte[] {0, (byte) 200});
        theirs.out().write(new byte[50]);
        theirs.close();
        assertThatThrownBy(() -> handshake.get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("after 50 of 200 bytes of handshake message 2");
        assertThat(oursRecorded.closed).isTrue();
    }

    // ---- stalls -----------------------------------------------------------------------------------

    @Test
    void aSilentResponderTimesOutWithinTheBound() throws Exception {
        NoiseSecurity quick = new NoiseSecurity(NoiseConfig.defaults().withHandshakeTimeout(Duration.ofMillis(300)));
        long start = System.nanoTime();
        Future<SecureConnection> handshake =
                peers.async(() -> quick.secureOutbound(oursRecorded, ourKey, Optional.empty()));
        assertFails(handshake, SocketTimeoutException.class, "timed out after 300 ms waiting for handshake message 2");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsedMillis).isBetween(290L, 2_000L);
    }

    @Test
    void aTricklingPeerHitsTheOverallDeadline() throws Exception {
        NoiseSecurity quick = new NoiseSecurity(NoiseConfig.defaults().withHandshakeTimeout(Duration.ofMillis(400)));
        long start = System.nanoTime();
        Future<SecureConnection> handshake = peers.async(() -> quick.secureInbound(oursRecorded, ourKey));
        // One byte every 50 ms: each read returns well within any per-read timeout, and 34 bytes would
        // take 1.7 s, so only a deadline over the whole handshake stops it.
        byte[] first = ScriptedNoisePeer.initiator(theirs).handshake.writeMessage(new byte[0]);
        byte[] framed = new byte[2 + first.length];
        framed[1] = (byte) first.length;
        System.arraycopy(first, 0, framed, 2, first.length);
        try {
            for (byte b : framed) {
                if (handshake.isDone()) {
                    break;
                }
                theirs.out().write(b);
                LockSupport.parkNanos(50_000_000L); // the peer's pace, not a wait for state
            }
        } catch (IOException closedByUs) {
            // expected once the deadline fires and our side closes
        }
        assertFails(handshake, SocketTimeoutException.class, "timed out after 400 ms");
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(390L, 1_500L);
    }

    // ---- the transport phase ----------------------------------------------------------------------

    /** Completes a correct handshake with our side as the dialer; returns the peer's transport ciphers. */
    private NoiseTransportCiphers handshakeWithScriptedResponder() throws IOException {
        ScriptedNoisePeer peer = ScriptedNoisePeer.responder(theirs);
        assertThat(peer.read()).isEmpty();
        peer.write(NoisePayload.create(peerKey, peer.staticKey.publicKey()));
        NoisePayload.verify(peer.read(), peer.handshake.remoteStaticKey());
        return peer.handshake.split();
    }

    private static byte[] frame(NoiseTransportCiphers ciphers, String text) throws IOException {
        byte[] plaintext = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + plaintext.length + ChaChaPoly.TAG_LENGTH];
        int length = ciphers.send().encrypt(plaintext, 0, plaintext.length, frame, 2);
        frame[0] = (byte) (length >>> 8);
        frame[1] = (byte) length;
        return frame;
    }

    @Test
    void aTamperedFrameFailsAuthenticationAndEndsTheSession() throws Exception {
        Future<SecureConnection> handshake = dial();
        NoiseTransportCiphers ciphers = handshakeWithScriptedResponder();
        try (SecureConnection connection = handshake.get(10, TimeUnit.SECONDS)) {
            theirs.out().write(frame(ciphers, "first"));
            byte[] second = frame(ciphers, "second");
            second[4] ^= 1;
            theirs.out().write(second);
            assertThat(connection.in().readNBytes(5)).isEqualTo("first".getBytes(StandardCharsets.UTF_8));
            assertFailsAndCloses(
                    () -> connection.in().read(), ProtocolViolationException.class, "message 1 failed authentication");
            assertThatThrownBy(() -> connection.in().read())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("failed earlier");
        }
    }

    @Test
    void aReplayedFrameFailsAuthentication() throws Exception {
        Future<SecureConnection> handshake = dial();
        NoiseTransportCiphers ciphers = handshakeWithScriptedResponder();
        try (SecureConnection connection = handshake.get(10, TimeUnit.SECONDS)) {
            byte[] frame = frame(ciphers, "once");
            theirs.out().write(frame);
            theirs.out().write(frame);
            assertThat(connection.in().readNBytes(4)).isEqualTo("once".getBytes(StandardCharsets.UTF_8));
            assertFailsAndCloses(
                    () -> connection.in().read(), ProtocolViolationException.class, "failed authentication");
        }
    }

    @Test
    void aFrameShorterThanTheTagIsRejected() throws Exception {
        Future<SecureConnection> handshake = dial();
        handshakeWithScriptedResponder();
        try (SecureConnection connection = handshake.get(10, TimeUnit.SECONDS)) {
            theirs.out().write(new byte[] {0, 15});
            theirs.out().write(new byte[15]);
            assertFailsAndCloses(
                    () -> connection.in().read(), ProtocolViolationException.class, "shorter than the 16-byte tag");
        }
    }

    @Test
    void aTruncatedFrameIsAnEofButACleanEndIsMinusOne() throws Exception {
        Future<SecureConnection> handshake = dial();
        NoiseTransportCiphers ciphers = handshakeWithScriptedResponder();
        try (SecureConnection connection = handshake.get(10, TimeUnit.SECONDS)) {
            byte[] frame = frame(ciphers, "truncated");
            theirs.out().write(Arrays.copyOf(frame, frame.length - 3));
            theirs.close();
            assertThatThrownBy(() -> connection.in().read())
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining("after 22 of 25 bytes of a noise frame");
        }
    }

    @Test
    void theEndOfTheStreamBetweenFramesIsMinusOne() throws Exception {
        Future<SecureConnection> handshake = dial();
        NoiseTransportCiphers ciphers = handshakeWithScriptedResponder();
        try (SecureConnection connection = handshake.get(10, TimeUnit.SECONDS)) {
            theirs.out().write(frame(ciphers, "last words"));
            byte[] empty = new byte[2 + ChaChaPoly.TAG_LENGTH];
            empty[1] = (byte) ciphers.send().encrypt(new byte[0], 0, 0, empty, 2);
            theirs.out().write(empty); // an empty frame is legal and skipped
            theirs.close();
            assertThat(new String(connection.in().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("last words");
            assertThat(connection.in().read()).isEqualTo(-1);
        }
    }

    @Test
    void aReadTimeoutInsideAFrameResumesWhereItStopped() throws Exception {
        Future<SecureConnection> handshake = dial();
        NoiseTransportCiphers ciphers = handshakeWithScriptedResponder();
        try (SecureConnection connection = handshake.get(10, TimeUnit.SECONDS)) {
            byte[] frame = frame(ciphers, "patience pays");
            connection.setReadTimeout(Duration.ofMillis(100));
            theirs.out().write(frame, 0, 1); // half the length prefix
            assertThatThrownBy(() -> connection.in().read()).isInstanceOf(SocketTimeoutException.class);
            theirs.out().write(frame, 1, 7); // the rest of the prefix and part of the body
            assertThatThrownBy(() -> connection.in().read()).isInstanceOf(SocketTimeoutException.class);
            theirs.out().write(frame, 8, frame.length - 8);
            assertThat(new String(connection.in().readNBytes(13), StandardCharsets.UTF_8))
                    .isEqualTo("patience pays");
        }
    }

    private void assertFailsAndCloses(ThrowingCallable read, Class<? extends IOException> type, String text)
            throws IOException {
        assertThatThrownBy(read).isInstanceOf(type).hasMessageContaining(text);
        assertThat(oursRecorded.closed).as("the session was ended").isTrue();
        assertPeerSeesTheEnd();
    }

    private static byte[] payload(byte[] identityKey, byte[] signature) {
        return NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFrom(identityKey))
                .setIdentitySig(ByteString.copyFrom(signature))
                .build()
                .toByteArray();
    }
}
