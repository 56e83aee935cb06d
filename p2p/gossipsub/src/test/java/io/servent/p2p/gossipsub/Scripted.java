package io.servent.p2p.gossipsub;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlGraft;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlIHave;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlIWant;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlMessage;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlPrune;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import io.servent.p2p.gossipsub.proto.GossipsubProto.PeerInfo;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One router under test and scripted peers around it: build the RPCs they send, read what the router
 * sends back. Validations are run inline when asked. Not thread-safe.
 */
final class Scripted {
    final PeerId self = PeerId.random();
    final GossipsubRouter router;
    final MessageValidator validator;
    long now = 1_000_000;
    final List<RouterAction> actions = new ArrayList<>();

    Scripted(GossipsubConfig config) {
        this(config, 1);
    }

    Scripted(GossipsubConfig config, long seed) {
        router = new GossipsubRouter(self, config, new Random(seed), now);
        validator = new MessageValidator(config.signaturePolicy());
    }

    /** Adds peers that subscribed to {@code topic}; the first {@code outbound} were dialed by us. */
    List<PeerId> peers(int count, String topic, int outbound) {
        List<PeerId> peers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PeerId peer = PeerId.random();
            router.addPeer(peer, Gossipsub.PROTOCOL_V11, i < outbound, null, now);
            router.handleRpc(peer, subscribe(topic), now);
            peers.add(peer);
        }
        drain();
        return peers;
    }

    /** Collects what the router wants done; validations are answered inline until none remain. */
    List<RouterAction> drain() {
        List<RouterAction> out = new ArrayList<>();
        List<RouterAction> batch = router.drainActions();
        while (!batch.isEmpty()) {
            for (RouterAction action : batch) {
                if (action instanceof RouterAction.Validate v) {
                    router.validated(v.validation(), validator.validate(v.validation()), now);
                }
                out.add(action);
            }
            batch = router.drainActions();
        }
        actions.addAll(out);
        return out;
    }

    void tick(long millis) {
        now += millis;
        router.tick(now);
    }

    /** Advances in heartbeat-sized steps. */
    void heartbeats(int count) {
        for (int i = 0; i < count; i++) {
            tick(1000);
        }
    }

    static List<RPC> sentTo(List<RouterAction> actions, PeerId peer) {
        return actions.stream()
                .filter(a -> a instanceof RouterAction.Send s && s.peer().equals(peer))
                .map(a -> ((RouterAction.Send) a).rpc())
                .toList();
    }

    static Set<PeerId> graftedBy(List<RouterAction> actions, String topic) {
        return actions.stream()
                .filter(a -> a instanceof RouterAction.Send s
                        && s.rpc().getControl().getGraftList().stream()
                                .anyMatch(g -> g.getTopicID().equals(topic)))
                .map(a -> ((RouterAction.Send) a).peer())
                .collect(Collectors.toSet());
    }

    static Set<PeerId> prunedBy(List<RouterAction> actions, String topic) {
        return actions.stream()
                .filter(a -> a instanceof RouterAction.Send s
                        && s.rpc().getControl().getPruneList().stream()
                                .anyMatch(p -> p.getTopicID().equals(topic)))
                .map(a -> ((RouterAction.Send) a).peer())
                .collect(Collectors.toSet());
    }

    static List<ControlPrune> prunes(List<RPC> rpcs) {
        return rpcs.stream()
                .flatMap(r -> r.getControl().getPruneList().stream())
                .toList();
    }

    static RPC subscribe(String topic) {
        return RPC.newBuilder()
                .addSubscriptions(RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid(topic))
                .build();
    }

    static RPC unsubscribe(String topic) {
        return RPC.newBuilder()
                .addSubscriptions(RPC.SubOpts.newBuilder().setSubscribe(false).setTopicid(topic))
                .build();
    }

    static RPC graft(String topic) {
        return control(ControlMessage.newBuilder()
                .addGraft(ControlGraft.newBuilder().setTopicID(topic))
                .build());
    }

    static RPC prune(String topic, long backoffSeconds, PeerId... exchanged) {
        ControlPrune.Builder prune = ControlPrune.newBuilder().setTopicID(topic).setBackoff(backoffSeconds);
        for (PeerId peer : exchanged) {
            prune.addPeers(PeerInfo.newBuilder().setPeerID(ByteString.copyFrom(peer.bytes())));
        }
        return control(ControlMessage.newBuilder().addPrune(prune).build());
    }

    static RPC ihave(String topic, List<MessageId> ids) {
        ControlIHave.Builder ihave = ControlIHave.newBuilder().setTopicID(topic);
        ids.forEach(id -> ihave.addMessageIDs(id.byteString()));
        return control(ControlMessage.newBuilder().addIhave(ihave).build());
    }

    static RPC iwant(List<MessageId> ids) {
        ControlIWant.Builder iwant = ControlIWant.newBuilder();
        ids.forEach(id -> iwant.addMessageIDs(id.byteString()));
        return control(ControlMessage.newBuilder().addIwant(iwant).build());
    }

    static RPC publish(Message... messages) {
        RPC.Builder rpc = RPC.newBuilder();
        for (Message m : messages) {
            rpc.addPublish(m);
        }
        return rpc.build();
    }

    static RPC control(ControlMessage control) {
        return RPC.newBuilder().setControl(control).build();
    }
}
