package io.servent.p2p.gossipsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The outbox coalesces per peer and splits at the RPC size limit. */
@Timeout(30)
class OutboxTest {
    @Test
    void everythingForOnePeerGoesInOneRpcWhenItFits() {
        Outbox outbox = new Outbox(1 << 20);
        PeerId peer = PeerId.random();
        outbox.subscription(peer, "t", true);
        outbox.message(peer, Message.newBuilder().setTopic("t").build());
        outbox.graft(peer, "t");
        outbox.iwant(peer, List.of(MessageId.of(new byte[] {1})));
        List<RouterAction> actions = new ArrayList<>();
        outbox.flushInto(actions);
        assertThat(actions).hasSize(1);
        RPC rpc = ((RouterAction.Send) actions.get(0)).rpc();
        assertThat(rpc.getSubscriptionsCount()).isEqualTo(1);
        assertThat(rpc.getPublishCount()).isEqualTo(1);
        assertThat(rpc.getControl().getGraftCount()).isEqualTo(1);
        assertThat(rpc.getControl().getIwantCount()).isEqualTo(1);
    }

    @Test
    void largeBatchesAreSplitIntoRpcsWithinTheLimit() {
        int max = 64 * 1024;
        Outbox outbox = new Outbox(max);
        PeerId peer = PeerId.random();
        for (int i = 0; i < 50; i++) {
            outbox.message(
                    peer,
                    Message.newBuilder()
                            .setTopic("t")
                            .setData(ByteString.copyFrom(new byte[5000]))
                            .build());
        }
        List<MessageId> ids = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            ids.add(MessageId.of(new byte[] {(byte) i, (byte) (i >> 8), 1, 2, 3, 4, 5, 6, 7, 8}));
        }
        outbox.ihave(peer, "t", ids);
        List<RouterAction> actions = new ArrayList<>();
        outbox.flushInto(actions);

        List<RPC> rpcs =
                actions.stream().map(a -> ((RouterAction.Send) a).rpc()).toList();
        assertThat(rpcs).hasSizeGreaterThan(4);
        assertThat(rpcs).allSatisfy(r -> assertThat(r.getSerializedSize()).isLessThanOrEqualTo(max));
        assertThat(rpcs.stream().mapToInt(RPC::getPublishCount).sum()).isEqualTo(50);
        assertThat(rpcs.stream()
                        .flatMap(r -> r.getControl().getIhaveList().stream())
                        .mapToInt(h -> h.getMessageIDsCount())
                        .sum())
                .isEqualTo(5000);
    }
}
