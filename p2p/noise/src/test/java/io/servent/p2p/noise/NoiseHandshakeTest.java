package io.servent.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.noise.NoiseHandshake.NoiseTransportCiphers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The XX state machine on its own: turns, sizes, failure, split. */
@Timeout(30)
class NoiseHandshakeTest {
    private static final ChaChaPoly AEAD = ChaChaPoly.select(List.of(NoiseCipherProvider.JDK));

    private final X25519KeyPair initiatorStatic = X25519KeyPair.generate();
    private final X25519KeyPair responderStatic = X25519KeyPair.generate();
    private final NoiseHandshake initiator =
            NoiseHandshake.initiator(initiatorStatic, X25519KeyPair.generate(), new byte[0], AEAD);
    private final NoiseHandshake responder =
            NoiseHandshake.responder(responderStatic, X25519KeyPair.generate(), new byte[0], AEAD);

    @Test
    void messagesHaveTheXxSizesAndTheSplitsMatch() throws Exception {
        byte[] first = initiator.writeMessage(new byte[0]);
        assertThat(first).hasSize(32);
        assertThat(responder.readMessage(first)).isEmpty();
        byte[] second = responder.writeMessage(new byte[10]);
        assertThat(second).hasSize(32 + 48 + 10 + 16);
        assertThat(initiator.readMessage(second)).hasSize(10);
        byte[] third = initiator.writeMessage(new byte[20]);
        assertThat(third).hasSize(48 + 20 + 16);
        assertThat(responder.readMessage(third)).hasSize(20);

        assertThat(initiator.remoteStaticKey()).isEqualTo(responderStatic.publicKey());
        assertThat(responder.remoteStaticKey()).isEqualTo(initiatorStatic.publicKey());
        assertThat(initiator.handshakeHash()).isEqualTo(responder.handshakeHash());

        NoiseTransportCiphers a = initiator.split();
        NoiseTransportCiphers b = responder.split();
        byte[] ciphertext = new byte[3 + 16];
        a.send().encrypt(new byte[] {1, 2, 3}, 0, 3, ciphertext, 0);
        byte[] plaintext = new byte[3];
        b.receive().decrypt(ciphertext, 0, ciphertext.length, plaintext, 0);
        assertThat(plaintext).containsExactly(1, 2, 3);
        b.send().encrypt(new byte[] {4, 5, 6}, 0, 3, ciphertext, 0);
        a.receive().decrypt(ciphertext, 0, ciphertext.length, plaintext, 0);
        assertThat(plaintext).containsExactly(4, 5, 6);
    }

    @Test
    void turnsAreEnforced() throws Exception {
        assertThat(initiator.isWriteTurn()).isTrue();
        assertThat(responder.isWriteTurn()).isFalse();
        assertThatThrownBy(() -> initiator.readMessage(new byte[32])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> responder.writeMessage(new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(initiator::split).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aShortMessageIsAViolationAndTheHandshakeIsThenUnusable() throws Exception {
        responder.readMessage(initiator.writeMessage(new byte[0]));
        assertThatThrownBy(() -> initiator.readMessage(new byte[95]))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("message 2 has 95 bytes; it must have between 96 and 65535");
        assertThatThrownBy(() -> initiator.readMessage(responder.writeMessage(new byte[0])))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already failed");
    }

    @Test
    void aSmallOrderEphemeralKeyIsRefused() throws Exception {
        // u = 0 has small order: every shared secret with it is all zeros, which proves nothing.
        assertThat(responder.readMessage(new byte[32])).isEmpty(); // message 1 only hashes the key
        assertThatThrownBy(() -> responder.writeMessage(new byte[0]))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("unusable X25519 public key");

        initiator.writeMessage(new byte[0]);
        assertThatThrownBy(() -> initiator.readMessage(new byte[96]))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("unusable X25519 public key");
    }
}
