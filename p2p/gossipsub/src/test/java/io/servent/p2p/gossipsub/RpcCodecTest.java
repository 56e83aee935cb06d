package io.servent.p2p.gossipsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlIHave;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlMessage;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlPrune;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import io.servent.p2p.gossipsub.proto.GossipsubProto.PeerInfo;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RPC decoding within limits: counts are checked on the wire before anything is built. */
@Timeout(60)
class RpcCodecTest {
    private static final GossipsubLimits LIMITS = GossipsubLimits.defaults()
            .withMaxSubscriptionsPerRpc(3)
            .withMaxMessagesPerRpc(3)
            .withMaxControlEntriesPerRpc(3)
            .withMaxMessageIdsPerEntry(3)
            .withMaxPeersPerPrune(2);

    @Test
    void decodesWhatGoAndJsSend() throws Exception {
        // An RPC as js-libp2p gossipsub encodes it: a subscription, then a message with key.
        RPC rpc = RPC.newBuilder()
                .addSubscriptions(RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid("t"))
                .addPublish(Message.newBuilder()
                        .setFrom(ByteString.copyFrom(new byte[] {0, 1, 2}))
                        .setData(ByteString.copyFromUtf8("hi"))
                        .setSeqno(ByteString.copyFrom(new byte[8]))
                        .setTopic("t")
                        .setSignature(ByteString.copyFrom(new byte[64]))
                        .setKey(ByteString.copyFrom(new byte[] {8, 1})))
                .build();
        byte[] wire = rpc.toByteArray();
        // field 1 (subscriptions), length 5: subscribe=true (08 01), topicid "t" (12 01 74)
        assertThat(HexFormat.of().formatHex(wire)).startsWith("0a05080112017412");
        assertThat(RpcCodec.decode(wire, LIMITS)).isEqualTo(rpc);
    }

    @Test
    void refusesTooManyOfAnything() {
        RPC.Builder subs = RPC.newBuilder();
        for (int i = 0; i < 4; i++) {
            subs.addSubscriptions(RPC.SubOpts.newBuilder().setTopicid("t" + i));
        }
        assertRefused(subs.build(), "more than 3 subscriptions (maxSubscriptionsPerRpc)");

        RPC.Builder messages = RPC.newBuilder();
        for (int i = 0; i < 4; i++) {
            messages.addPublish(Message.newBuilder().setTopic("t"));
        }
        assertRefused(messages.build(), "more than 3 messages (maxMessagesPerRpc)");

        ControlIHave.Builder ihave = ControlIHave.newBuilder().setTopicID("t");
        for (int i = 0; i < 4; i++) {
            ihave.addMessageIDs(ByteString.copyFrom(new byte[] {(byte) i}));
        }
        assertRefused(
                Scripted.control(ControlMessage.newBuilder().addIhave(ihave).build()),
                "more than 3 message ids in one IHAVE (maxMessageIdsPerEntry)");

        ControlPrune.Builder prune = ControlPrune.newBuilder().setTopicID("t");
        for (int i = 0; i < 3; i++) {
            prune.addPeers(PeerInfo.newBuilder().setPeerID(ByteString.copyFrom(new byte[] {(byte) i})));
        }
        assertRefused(
                Scripted.control(ControlMessage.newBuilder().addPrune(prune).build()),
                "more than 2 peers in one PRUNE (maxPeersPerPrune)");
    }

    @Test
    void countsControlEntriesAcrossRepeatedControlFields() {
        // Protobuf merges a message field that occurs twice; the limit applies to the merged whole.
        byte[] twoGrafts = Scripted.graft("a").toByteArray();
        byte[] wire = new byte[twoGrafts.length * 4];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(twoGrafts, 0, wire, i * twoGrafts.length, twoGrafts.length);
        }
        assertThatThrownBy(() -> RpcCodec.decode(wire, LIMITS))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("GRAFT entries");
    }

    @Test
    void malformedBytesAreAProtocolViolation() {
        assertThatThrownBy(() -> RpcCodec.decode(new byte[] {0x0a, 0x7f, 0x01}, LIMITS))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageStartingWith("malformed gossipsub RPC");
        assertThatThrownBy(() -> RpcCodec.decode(new byte[] {(byte) 0xff, (byte) 0xff}, LIMITS))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Property(tries = 2000)
    void arbitraryBytesDecodeOrFailCleanly(@ForAll byte[] bytes) {
        try {
            RpcCodec.decode(bytes, LIMITS);
        } catch (ProtocolViolationException expected) {
            // the only way to fail
        }
    }

    @Property(tries = 300)
    void mutatedValidRpcsDecodeOrFailCleanly(@ForAll("positions") int position, @ForAll byte value) {
        byte[] wire = Scripted.publish(Message.newBuilder()
                        .setTopic("topic")
                        .setData(ByteString.copyFromUtf8("payload"))
                        .build())
                .toBuilder()
                .setControl(ControlMessage.newBuilder()
                        .addIhave(ControlIHave.newBuilder()
                                .setTopicID("topic")
                                .addMessageIDs(ByteString.copyFromUtf8("id"))))
                .build()
                .toByteArray();
        wire[position % wire.length] = value;
        try {
            RpcCodec.decode(wire, LIMITS);
        } catch (ProtocolViolationException expected) {
            // fine
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 1000);
    }

    private static void assertRefused(RPC rpc, String message) {
        assertThatThrownBy(() -> RpcCodec.decode(rpc.toByteArray(), LIMITS))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining(message);
    }
}
