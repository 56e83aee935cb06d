package io.servent.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.kad.proto.KadProto.Message;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class KadMessagesTest {
    private final Random random = new Random(5);

    @Test
    void peersBeyondTheLimitsAndUnreadableEntriesAreSkipped() {
        List<PeerId> ids = TestPeers.random(random, 10);
        Message.Builder m = Message.newBuilder().setType(Message.MessageType.FIND_NODE);
        m.addCloserPeers(Message.Peer.newBuilder().setId(ByteString.copyFrom(new byte[] {1, 2, 3})));
        for (PeerId id : ids) {
            m.addCloserPeers(Message.Peer.newBuilder()
                    .setId(ByteString.copyFrom(id.bytes()))
                    .addAddrs(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f}))
                    .addAddrs(ByteString.copyFrom(
                            Multiaddr.parse("/ip4/1.2.3.4/tcp/1").bytes()))
                    .addAddrs(ByteString.copyFrom(
                            Multiaddr.parse("/ip4/1.2.3.5/tcp/1").bytes()))
                    .addAddrs(ByteString.copyFrom(
                            Multiaddr.parse("/ip4/1.2.3.6/tcp/1").bytes())));
        }
        List<KadPeer> peers = KadMessages.peers(m.build().getCloserPeersList(), 4, 2);
        assertThat(peers).extracting(KadPeer::id).containsExactlyElementsOf(ids.subList(0, 4));
        assertThat(peers.get(0).addresses())
                .containsExactly(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"), Multiaddr.parse("/ip4/1.2.3.5/tcp/1"));
    }

    @Test
    void theWireFormIsTheSpecsProtobuf() throws Exception {
        PeerId id = TestPeers.random(random);
        Message m = Message.newBuilder()
                .setType(Message.MessageType.GET_PROVIDERS)
                .setKey(ByteString.copyFrom(new byte[] {0x12, 0x01, 0x00}))
                .addProviderPeers(KadMessages.peer(id, List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + id)), 8))
                .build();
        byte[] wire = m.toByteArray();
        // type = field 1 varint (3), key = field 2 bytes, providerPeers = field 9 with id = 1, addrs = 2.
        assertThat(wire[0]).isEqualTo((byte) 0x08);
        assertThat(wire[1]).isEqualTo((byte) 3);
        assertThat(wire[2]).isEqualTo((byte) 0x12);
        assertThat(wire[3]).isEqualTo((byte) 3);
        assertThat(wire[7]).isEqualTo((byte) 0x4a);
        Message back = KadMessages.parse(wire, "test");
        assertThat(KadMessages.peers(back.getProviderPeersList(), 10, 10))
                .containsExactly(new KadPeer(id, List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"))));
        // PUT_VALUE is type 0, which proto3 leaves off the wire; it still parses as PUT_VALUE.
        assertThat(KadMessages.parse(new byte[0], "test").getType()).isEqualTo(Message.MessageType.PUT_VALUE);
    }

    @Test
    void garbageIsAProtocolViolation() {
        assertThatThrownBy(() -> KadMessages.parse(new byte[] {(byte) 0xff, (byte) 0xff}, "FIND_NODE response"))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageStartingWith("malformed FIND_NODE response");
        assertThatThrownBy(() -> KadMessages.parse(new byte[] {0x08, 0x09}, "request"))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessage("request has unknown message type 9");
    }
}
