package io.servent.p2p.gossipsub;

import com.google.protobuf.CodedOutputStream;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlGraft;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlIHave;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlIWant;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlMessage;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlPrune;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what one router input sends to each peer and coalesces it into as few RPCs as fit
 * {@code maxRpcSize}: subscriptions, messages, then GRAFT, PRUNE, IHAVE and IWANT. Not thread-safe:
 * owned by the router.
 */
final class Outbox {
    private final int maxRpcSize;
    private final Map<PeerId, Parts> parts = new LinkedHashMap<>();

    private static final class Parts {
        final List<RPC.SubOpts> subscriptions = new ArrayList<>();
        final List<Message> messages = new ArrayList<>();
        final List<ControlGraft> grafts = new ArrayList<>();
        final List<ControlPrune> prunes = new ArrayList<>();
        final List<ControlIHave> ihaves = new ArrayList<>();
        final List<ControlIWant> iwants = new ArrayList<>();
    }

    Outbox(int maxRpcSize) {
        this.maxRpcSize = maxRpcSize;
    }

    private Parts of(PeerId peer) {
        return parts.computeIfAbsent(peer, p -> new Parts());
    }

    void subscription(PeerId peer, String topic, boolean subscribe) {
        of(peer).subscriptions
                .add(RPC.SubOpts.newBuilder()
                        .setSubscribe(subscribe)
                        .setTopicid(topic)
                        .build());
    }

    void message(PeerId peer, Message message) {
        of(peer).messages.add(message);
    }

    void graft(PeerId peer, String topic) {
        of(peer).grafts.add(ControlGraft.newBuilder().setTopicID(topic).build());
    }

    void prune(PeerId peer, ControlPrune prune) {
        of(peer).prunes.add(prune);
    }

    /** Advertises {@code ids}, split into entries of at most a quarter RPC each. */
    void ihave(PeerId peer, String topic, List<MessageId> ids) {
        ControlIHave.Builder entry = ControlIHave.newBuilder().setTopicID(topic);
        int size = 0;
        for (MessageId id : ids) {
            int cost = 1 + CodedOutputStream.computeUInt32SizeNoTag(id.length()) + id.length();
            if (size > 0 && size + cost > maxRpcSize / 4) {
                of(peer).ihaves.add(entry.build());
                entry = ControlIHave.newBuilder().setTopicID(topic);
                size = 0;
            }
            entry.addMessageIDs(id.byteString());
            size += cost;
        }
        if (size > 0) {
            of(peer).ihaves.add(entry.build());
        }
    }

    void iwant(PeerId peer, List<MessageId> ids) {
        ControlIWant.Builder entry = ControlIWant.newBuilder();
        int size = 0;
        for (MessageId id : ids) {
            int cost = 1 + CodedOutputStream.computeUInt32SizeNoTag(id.length()) + id.length();
            if (size > 0 && size + cost > maxRpcSize / 4) {
                of(peer).iwants.add(entry.build());
                entry = ControlIWant.newBuilder();
                size = 0;
            }
            entry.addMessageIDs(id.byteString());
            size += cost;
        }
        if (size > 0) {
            of(peer).iwants.add(entry.build());
        }
    }

    /** Forgets what was queued for a peer that left. */
    void discard(PeerId peer) {
        parts.remove(peer);
    }

    /** Turns everything collected into {@link RouterAction.Send}s and starts afresh. */
    void flushInto(List<RouterAction> actions) {
        for (Map.Entry<PeerId, Parts> entry : parts.entrySet()) {
            new Splitter(entry.getKey(), actions).add(entry.getValue());
        }
        parts.clear();
    }

    /** Builds RPCs no larger than {@code maxRpcSize}, starting a new one when the next part would not fit. */
    private final class Splitter {
        private final PeerId peer;
        private final List<RouterAction> actions;
        private RPC.Builder rpc = RPC.newBuilder();
        private ControlMessage.Builder control = ControlMessage.newBuilder();
        private int topSize;
        private int controlSize;

        Splitter(PeerId peer, List<RouterAction> actions) {
            this.peer = peer;
            this.actions = actions;
        }

        void add(Parts p) {
            for (RPC.SubOpts s : p.subscriptions) {
                fitTop(s.getSerializedSize());
                rpc.addSubscriptions(s);
            }
            for (Message m : p.messages) {
                fitTop(m.getSerializedSize());
                rpc.addPublish(m);
            }
            for (ControlGraft g : p.grafts) {
                fitControl(g.getSerializedSize());
                control.addGraft(g);
            }
            for (ControlPrune pr : p.prunes) {
                fitControl(pr.getSerializedSize());
                control.addPrune(pr);
            }
            for (ControlIHave h : p.ihaves) {
                fitControl(h.getSerializedSize());
                control.addIhave(h);
            }
            for (ControlIWant w : p.iwants) {
                fitControl(w.getSerializedSize());
                control.addIwant(w);
            }
            emit();
        }

        private static int fieldCost(int size) {
            return 1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
        }

        private int total(int top, int ctrl) {
            return top + (ctrl > 0 ? fieldCost(ctrl) : 0);
        }

        private void fitTop(int size) {
            if (!isEmpty() && total(topSize + fieldCost(size), controlSize) > maxRpcSize) {
                emit();
            }
            topSize += fieldCost(size);
        }

        private void fitControl(int size) {
            if (!isEmpty() && total(topSize, controlSize + fieldCost(size)) > maxRpcSize) {
                emit();
            }
            controlSize += fieldCost(size);
        }

        private boolean isEmpty() {
            return topSize == 0 && controlSize == 0;
        }

        private void emit() {
            if (isEmpty()) {
                return;
            }
            if (controlSize > 0) {
                rpc.setControl(control);
            }
            actions.add(new RouterAction.Send(peer, rpc.build()));
            rpc = RPC.newBuilder();
            control = ControlMessage.newBuilder();
            topSize = 0;
            controlSize = 0;
        }
    }
}
