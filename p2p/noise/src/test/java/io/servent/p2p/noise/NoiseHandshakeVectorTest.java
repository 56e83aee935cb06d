package io.servent.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.noise.NoiseHandshake.NoiseTransportCiphers;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replays the cacophony test vector for {@code Noise_XX_25519_ChaChaPoly_SHA256} (from
 * haskell-cryptography/cacophony {@code vectors/cacophony.txt}, the format of the Noise wiki's
 * "Test vectors" page): every handshake message, the handshake hash and every transport message
 * must match byte for byte, through both cipher providers.
 */
@Timeout(30)
class NoiseHandshakeVectorTest {
    private static final HexFormat HEX = HexFormat.of();

    private static final String PROLOGUE = "4a6f686e2047616c74";
    private static final String INIT_STATIC = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
    private static final String INIT_EPHEMERAL = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
    private static final String RESP_STATIC = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
    private static final String RESP_EPHEMERAL = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";
    private static final String HANDSHAKE_HASH = "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e";

    /** payload, ciphertext; messages alternate initiator, responder, initiator, responder… */
    private static final List<String[]> MESSAGES = List.of(
            new String[] {
                "4c756477696720766f6e204d69736573",
                "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"
            },
            new String[] {
                "4d757272617920526f746862617264",
                "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d162c9326ad"
            },
            new String[] {
                "462e20412e20486179656b",
                "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030"
            },
            new String[] {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
            new String[] {
                "4a65616e2d426170746973746520536179",
                "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"
            },
            new String[] {
                "457567656e2042f6686d20766f6e2042617765726b",
                "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"
            });

    @ParameterizedTest
    @EnumSource(NoiseCipherProvider.class)
    void replaysTheCacophonyVectorByteForByte(NoiseCipherProvider provider) throws Exception {
        ChaChaPoly aead = ChaChaPoly.select(List.of(provider));
        X25519KeyPair initStatic = X25519KeyPair.fromPrivate(HEX.parseHex(INIT_STATIC));
        X25519KeyPair respStatic = X25519KeyPair.fromPrivate(HEX.parseHex(RESP_STATIC));
        NoiseHandshake initiator = NoiseHandshake.initiator(
                initStatic, X25519KeyPair.fromPrivate(HEX.parseHex(INIT_EPHEMERAL)), HEX.parseHex(PROLOGUE), aead);
        NoiseHandshake responder = NoiseHandshake.responder(
                respStatic, X25519KeyPair.fromPrivate(HEX.parseHex(RESP_EPHEMERAL)), HEX.parseHex(PROLOGUE), aead);

        for (int i = 0; i < 3; i++) {
            NoiseHandshake writer = i % 2 == 0 ? initiator : responder;
            NoiseHandshake reader = i % 2 == 0 ? responder : initiator;
            byte[] payload = HEX.parseHex(MESSAGES.get(i)[0]);
            byte[] message = writer.writeMessage(payload);
            assertThat(HEX.formatHex(message)).as("handshake message %d", i + 1).isEqualTo(MESSAGES.get(i)[1]);
            assertThat(reader.readMessage(message)).as("payload %d", i + 1).isEqualTo(payload);
        }
        assertThat(initiator.isComplete()).isTrue();
        assertThat(responder.isComplete()).isTrue();
        assertThat(HEX.formatHex(initiator.handshakeHash())).isEqualTo(HANDSHAKE_HASH);
        assertThat(HEX.formatHex(responder.handshakeHash())).isEqualTo(HANDSHAKE_HASH);
        assertThat(initiator.remoteStaticKey()).isEqualTo(respStatic.publicKey());
        assertThat(responder.remoteStaticKey()).isEqualTo(initStatic.publicKey());

        NoiseTransportCiphers initCiphers = initiator.split();
        NoiseTransportCiphers respCiphers = responder.split();
        for (int i = 3; i < MESSAGES.size(); i++) {
            boolean fromInitiator = i % 2 == 0;
            NoiseCipherState send = fromInitiator ? initCiphers.send() : respCiphers.send();
            NoiseCipherState receive = fromInitiator ? respCiphers.receive() : initCiphers.receive();
            byte[] payload = HEX.parseHex(MESSAGES.get(i)[0]);
            byte[] ciphertext = new byte[payload.length + ChaChaPoly.TAG_LENGTH];
            send.encrypt(payload, 0, payload.length, ciphertext, 0);
            assertThat(HEX.formatHex(ciphertext))
                    .as("transport message %d", i + 1)
                    .isEqualTo(MESSAGES.get(i)[1]);
            byte[] decrypted = new byte[payload.length];
            assertThat(receive.decrypt(ciphertext, 0, ciphertext.length, decrypted, 0))
                    .isEqualTo(payload.length);
            assertThat(decrypted).isEqualTo(payload);
        }
    }
}
