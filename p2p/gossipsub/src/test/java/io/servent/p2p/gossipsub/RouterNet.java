package io.servent.p2p.gossipsub;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * A deterministic simulator for sans-I/O tests: routers on a virtual clock, RPCs delivered at once and
 * in order (through the wire codec), validations run inline. Not thread-safe.
 */
final class RouterNet {
    final Random random;
    long now = 1_000_000;
    final Map<PeerId, Node> nodes = new LinkedHashMap<>();
    private final ArrayDeque<Runnable> deliveries = new ArrayDeque<>();
    /** Sends for which this returns true are lost (from, to). */
    BiPredicate<PeerId, PeerId> drop = (from, to) -> false;

    RouterNet(long seed) {
        this.random = new Random(seed);
    }

    final class Node {
        final Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(randomSeed());
        final PeerId id = key.publicKey().peerId();
        final GossipsubRouter router;
        final MessageValidator validator;
        final List<GossipsubMessage> delivered = new ArrayList<>();
        final List<GossipsubEvent> events = new ArrayList<>();
        final List<RouterAction.Connect> connects = new ArrayList<>();
        final List<RPC> received = new ArrayList<>();
        final Set<PeerId> links = new HashSet<>();
        long seqno = 1;

        Node(GossipsubConfig config) {
            this.router = new GossipsubRouter(id, config, new Random(random.nextLong()), now);
            this.validator = new MessageValidator(config.signaturePolicy());
        }

        GossipsubRouter.PublishResult publish(String topic, byte[] data) {
            Message message = signed(key, topic, data, seqno++);
            GossipsubRouter.PublishResult result = router.publish(message, null, now);
            run();
            return result;
        }

        void subscribe(String topic) {
            router.subscribe(topic, now);
            run();
        }

        void unsubscribe(String topic) {
            router.unsubscribe(topic, now);
            run();
        }

        @Override
        public String toString() {
            return id.shortString();
        }
    }

    /** Keys from the net's seed, so a run replays from its printed seed. */
    private byte[] randomSeed() {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        return seed;
    }

    static Message signed(Ed25519PrivateKey key, String topic, byte[] data, long seqno) {
        Message unsigned = Message.newBuilder()
                .setFrom(ByteString.copyFrom(key.publicKey().peerId().bytes()))
                .setSeqno(MessageSigning.seqno(seqno))
                .setTopic(topic)
                .setData(ByteString.copyFrom(data))
                .build();
        return MessageSigning.sign(unsigned, key::sign);
    }

    Node add(GossipsubConfig config) {
        Node node = new Node(config);
        nodes.put(node.id, node);
        return node;
    }

    List<Node> add(int count, GossipsubConfig config) {
        List<Node> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            added.add(add(config));
        }
        return added;
    }

    /** {@code dialer} connected to {@code listener}. */
    void connect(Node dialer, Node listener) {
        if (dialer == listener || dialer.links.contains(listener.id)) {
            return;
        }
        dialer.links.add(listener.id);
        listener.links.add(dialer.id);
        dialer.router.addPeer(listener.id, Gossipsub.PROTOCOL_V11, true, null, now);
        listener.router.addPeer(dialer.id, Gossipsub.PROTOCOL_V11, false, null, now);
        run();
    }

    void disconnect(Node a, Node b) {
        a.links.remove(b.id);
        b.links.remove(a.id);
        a.router.removePeer(b.id, now);
        b.router.removePeer(a.id, now);
        run();
    }

    /** Connects every node to {@code degree} random others (dialing them). */
    void connectRandomly(int degree) {
        List<Node> all = new ArrayList<>(nodes.values());
        for (Node node : all) {
            for (int k = 0; k < degree; k++) {
                connect(node, all.get(random.nextInt(all.size())));
            }
        }
    }

    /** Processes every action until nothing is left in flight. */
    void run() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Node node : nodes.values()) {
                for (RouterAction action : node.router.drainActions()) {
                    progress = true;
                    perform(node, action);
                }
            }
            while (!deliveries.isEmpty()) {
                progress = true;
                deliveries.poll().run();
            }
        }
    }

    private void perform(Node node, RouterAction action) {
        switch (action) {
            case RouterAction.Send send -> {
                Node target = nodes.get(send.peer());
                if (target == null || !node.links.contains(target.id) || drop.test(node.id, target.id)) {
                    return;
                }
                RPC decoded;
                try {
                    decoded = RpcCodec.decode(send.rpc().toByteArray(), GossipsubLimits.defaults());
                } catch (ProtocolViolationException e) {
                    throw new AssertionError("a router sent an RPC that does not decode", e);
                }
                deliveries.add(() -> {
                    target.received.add(decoded);
                    target.router.handleRpc(node.id, decoded, now);
                });
            }
            case RouterAction.Validate validate -> {
                ValidationOutcome outcome = node.validator.validate(validate.validation());
                deliveries.add(() -> node.router.validated(validate.validation(), outcome, now));
            }
            case RouterAction.Deliver deliver -> node.delivered.add(deliver.message());
            case RouterAction.Connect connect -> node.connects.add(connect);
            case RouterAction.Notify notify -> node.events.add(notify.event());
        }
    }

    /** Moves the clock forward in 100 ms steps, ticking every router. */
    void advance(Duration duration) {
        long end = now + duration.toMillis();
        while (now < end) {
            now = Math.min(end, now + 100);
            for (Node node : nodes.values()) {
                node.router.tick(now);
            }
            run();
        }
    }
}
