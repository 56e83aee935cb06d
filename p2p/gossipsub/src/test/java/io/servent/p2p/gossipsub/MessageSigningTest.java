package io.servent.p2p.gossipsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** StrictSign: what is signed, and every way a message can fail to be authentic. */
@Timeout(30)
class MessageSigningTest {
    private final Ed25519PrivateKey key = Ed25519PrivateKey.generate();
    private final MessageValidator validator = new MessageValidator(SignaturePolicy.STRICT_SIGN);

    private ValidationOutcome check(Message m) {
        return validator.validate(new Validation(MessageIdFunction.FROM_AND_SEQNO.apply(m), m, PeerId.random()));
    }

    @Test
    void theSignatureCoversThePrefixAndTheMessageWithoutSignatureAndKey() {
        Message m = RouterNet.signed(key, "t", new byte[] {1, 2}, 7);
        byte[] signed = MessageSigning.signedBytes(
                m.toBuilder().setKey(ByteString.copyFrom(new byte[] {9})).build());
        assertThat(new String(signed, 0, 14, StandardCharsets.US_ASCII)).isEqualTo("libp2p-pubsub:");
        Message body = Message.newBuilder()
                .setFrom(m.getFrom())
                .setData(m.getData())
                .setSeqno(m.getSeqno())
                .setTopic("t")
                .build();
        assertThat(java.util.Arrays.copyOfRange(signed, 14, signed.length)).isEqualTo(body.toByteArray());
        assertThat(key.publicKey().verify(signed, m.getSignature().toByteArray()))
                .isTrue();
        assertThat(HexFormat.of().formatHex(m.getSeqno().toByteArray())).isEqualTo("0000000000000007");
    }

    @Test
    void aGenuineMessageIsValidWithOrWithoutItsKey() {
        Message m = RouterNet.signed(key, "t", "x".getBytes(StandardCharsets.UTF_8), 1);
        assertThat(check(m)).isInstanceOf(ValidationOutcome.Valid.class);
        // js-libp2p always adds the key protobuf, though an Ed25519 PeerId inlines it.
        Message withKey = m.toBuilder()
                .setKey(ByteString.copyFrom(key.publicKey().marshal()))
                .build();
        ValidationOutcome outcome = check(withKey);
        assertThat(outcome).isInstanceOf(ValidationOutcome.Valid.class);
        GossipsubMessage accepted = ((ValidationOutcome.Valid) outcome).message();
        assertThat(accepted.from()).contains(key.publicKey().peerId());
        assertThat(accepted.seqno()).hasValue(1);
    }

    @Test
    void tamperingForgeryAndWrongKeysAreUnauthentic() {
        Message m = RouterNet.signed(key, "t", "x".getBytes(StandardCharsets.UTF_8), 1);
        Ed25519PrivateKey other = Ed25519PrivateKey.generate();

        assertUnauthentic(m.toBuilder().setData(ByteString.copyFromUtf8("y")).build(), "signature does not verify");
        assertUnauthentic(m.toBuilder().setTopic("u").build(), "signature does not verify");
        assertUnauthentic(
                m.toBuilder()
                        .setKey(ByteString.copyFrom(other.publicKey().marshal()))
                        .build(),
                "is not the key of its author");
        assertUnauthentic(
                m.toBuilder()
                        .setKey(ByteString.copyFrom(new byte[] {8, 1, 18, 1, 0}))
                        .build(),
                "key cannot be used");
        assertUnauthentic(
                m.toBuilder().setFrom(ByteString.copyFrom(new byte[] {1, 2, 3})).build(), "not a PeerId");
        // signed by another key, claiming our author
        Message impostor = MessageSigning.sign(m.toBuilder().clearSignature().build(), other::sign);
        assertUnauthentic(impostor, "signature does not verify");
    }

    private void assertUnauthentic(Message m, String reason) {
        ValidationOutcome outcome = check(m);
        assertThat(outcome).isInstanceOf(ValidationOutcome.Unauthentic.class);
        assertThat(((ValidationOutcome.Unauthentic) outcome).reason()).contains(reason);
    }

    @Test
    void messageIdsFollowGoAndJs() {
        Message m = RouterNet.signed(key, "t", new byte[] {1}, 5);
        byte[] seqno = m.getSeqno().toByteArray();
        // go: the from bytes (a PeerId) and the seqno
        assertThat(MessageIdFunction.FROM_AND_SEQNO.apply(m).bytes())
                .isEqualTo(concat(key.publicKey().peerId().bytes(), seqno));
        // js: the author's key protobuf and the seqno, whether or not the key travels with the message
        byte[] jsId = concat(key.publicKey().marshal(), seqno);
        assertThat(MessageIdFunction.KEY_AND_SEQNO.apply(m).bytes()).isEqualTo(jsId);
        Message withKey = m.toBuilder()
                .setKey(ByteString.copyFrom(key.publicKey().marshal()))
                .build();
        assertThat(MessageIdFunction.KEY_AND_SEQNO.apply(withKey).bytes()).isEqualTo(jsId);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void validatorExceptionsCountAsIgnore() {
        validator.setValidator("t", m -> {
            throw new IllegalStateException("boom");
        });
        Message m = RouterNet.signed(key, "t", new byte[0], 1);
        assertThat(check(m)).isInstanceOf(ValidationOutcome.Ignored.class);
    }
}
