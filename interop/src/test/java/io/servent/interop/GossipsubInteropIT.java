package io.servent.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.Gossipsub;
import io.servent.p2p.gossipsub.GossipsubConfig;
import io.servent.p2p.gossipsub.GossipsubMessage;
import io.servent.p2p.gossipsub.GossipsubStats;
import io.servent.p2p.gossipsub.MessageIdFunction;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossipsub between servent and js-libp2p ({@code @libp2p/gossipsub} 17) over real TCP, Noise and
 * Yamux: five servent peers in this JVM and five js peers (child processes) on one topic, connected
 * in a ring that alternates between the two, each peer also linked to those two and three places on
 * (same kind, other kind), so every mesh mixes both and messages take mixed paths. Each
 * peer publishes; every message must reach every other subscriber's application exactly once, with
 * its author and data intact (so each side verified the other's StrictSign signatures), nobody may
 * score anybody below zero, a js peer that unsubscribes must stop getting messages, and a servent
 * peer joining late must catch up on a recent message through js's IHAVE gossip and its IWANT.
 *
 * <p>servent uses js's message-id function ({@link MessageIdFunction#KEY_AND_SEQNO}), so IHAVE and
 * IWANT ids mean the same on both sides.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GossipsubInteropIT {
    private static final Logger log = LoggerFactory.getLogger(GossipsubInteropIT.class);
    private static final String TOPIC = "servent-interop";
    private static final int EACH = 5;
    private static final int ROUNDS = 5;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** One participant: a servent router on its host, or a js peer. */
    private sealed interface Node permits ServentNode, JsNode {
        PeerId peerId();

        Multiaddr addr();

        String name();

        void connect(Node other) throws IOException;
    }

    private record ServentNode(String name, ServentPeer peer, Gossipsub gossipsub, Map<String, Integer> received)
            implements Node {
        @Override
        public PeerId peerId() {
            return peer.peerId();
        }

        @Override
        public Multiaddr addr() {
            return peer.addr();
        }

        @Override
        public void connect(Node other) throws IOException {
            peer.host().connect(other.addr());
        }

        void onMessage(GossipsubMessage message) {
            received.merge(new String(message.data(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
    }

    private record JsNode(String name, JsPeer js, JsGossipsub gossipsub) implements Node {
        @Override
        public PeerId peerId() {
            return js.peerId();
        }

        @Override
        public Multiaddr addr() {
            return js.addr();
        }

        @Override
        public void connect(Node other) {
            js.dial(other.addr());
        }

        Map<String, Integer> received() {
            return gossipsub.received(TOPIC).stream()
                    .collect(Collectors.toMap(JsGossipsub.Received::data, r -> 1, Integer::sum));
        }
    }

    @Test
    void fiveServentAndFiveJsPeersDeliverEveryMessageOnceToEveryone() throws Exception {
        List<ServentNode> servents = new ArrayList<>();
        List<JsNode> jss = new ArrayList<>();
        try (LogCapture logs = LogCapture.attach()) {
            try {
                GossipsubConfig config =
                        GossipsubConfig.defaults().withMessageIdFunction(MessageIdFunction.KEY_AND_SEQNO);
                for (int i = 0; i < EACH; i++) {
                    JsPeer js = JsPeer.start(JsPeerConfig.defaults().withServices("gossipsub"));
                    jss.add(new JsNode("js-" + i, js, new JsGossipsub(js)));
                    ServentPeer peer = ServentPeer.start();
                    servents.add(new ServentNode(
                            "servent-" + i, peer, Gossipsub.start(peer.host(), config), new ConcurrentHashMap<>()));
                }
                List<Node> ring = new ArrayList<>();
                for (int i = 0; i < EACH; i++) {
                    ring.add(servents.get(i));
                    ring.add(jss.get(i));
                }
                // Neighbours at distance 1 and 3 (the other kind) and 2 (the same kind), dialed
                // from either side.
                Map<PeerId, Set<PeerId>> neighbours = new HashMap<>();
                for (int i = 0; i < ring.size(); i++) {
                    for (int step : new int[] {1, 2, 3}) {
                        Node a = ring.get(i);
                        Node b = ring.get((i + step) % ring.size());
                        a.connect(b);
                        neighbours
                                .computeIfAbsent(a.peerId(), n -> new HashSet<>())
                                .add(b.peerId());
                        neighbours
                                .computeIfAbsent(b.peerId(), n -> new HashSet<>())
                                .add(a.peerId());
                    }
                }
                for (ServentNode s : servents) {
                    s.gossipsub().subscribe(TOPIC, s::onMessage);
                }
                for (JsNode j : jss) {
                    j.gossipsub().subscribe(TOPIC);
                }
                awaitMeshes(servents, jss, neighbours);
                logMeshes(servents, jss);

                Set<String> all = new HashSet<>();
                for (int round = 0; round < ROUNDS; round++) {
                    for (ServentNode s : servents) {
                        String text = s.name() + " #" + round;
                        s.gossipsub().publish(TOPIC, text.getBytes(StandardCharsets.UTF_8));
                        all.add(text);
                    }
                    for (JsNode j : jss) {
                        String text = j.name() + " #" + round;
                        j.gossipsub().publish(TOPIC, text);
                        all.add(text);
                    }
                }
                Map<String, PeerId> authors = new HashMap<>();
                ring.forEach(n -> authors.put(n.name(), n.peerId()));

                for (ServentNode s : servents) {
                    Set<String> expected = othersOf(all, s.name());
                    Await.until(
                            WAIT, () -> s.received().keySet().containsAll(expected), s.name() + " has every message");
                }
                for (JsNode j : jss) {
                    Set<String> expected = othersOf(all, j.name());
                    Await.until(
                            WAIT, () -> j.received().keySet().containsAll(expected), j.name() + " has every message");
                }
                for (ServentNode s : servents) {
                    assertExactlyOnce(s.name(), s.received(), othersOf(all, s.name()));
                    GossipsubStats stats = s.gossipsub().stats();
                    assertThat(stats.messagesUnauthentic())
                            .as(s.name() + " rejected no signature")
                            .isZero();
                    assertThat(stats.messagesRejected()).isZero();
                    for (PeerId peer : neighbours.getOrDefault(s.peerId(), Set.of())) {
                        assertThat(s.gossipsub().score(peer))
                                .as(s.name() + "'s score of " + peer)
                                .isGreaterThanOrEqualTo(0);
                    }
                }
                for (JsNode j : jss) {
                    assertExactlyOnce(j.name(), j.received(), othersOf(all, j.name()));
                    // js reports each message's author: it verified the servent signatures as theirs.
                    for (JsGossipsub.Received r : j.gossipsub().received(TOPIC)) {
                        String author = r.data().substring(0, r.data().indexOf(' '));
                        assertThat(r.from())
                                .as("the author of '" + r.data() + "'")
                                .isEqualTo(String.valueOf(authors.get(author)));
                    }
                    for (PeerId peer : neighbours.getOrDefault(j.peerId(), Set.of())) {
                        assertThat(j.gossipsub().score(peer))
                                .as(j.name() + "'s score of " + peer)
                                .isGreaterThanOrEqualTo(0);
                    }
                }
                assertThat(servents.stream().anyMatch(s -> s.gossipsub().meshPeers(TOPIC).stream()
                                .anyMatch(p ->
                                        jss.stream().anyMatch(j -> j.peerId().equals(p)))))
                        .as("a servent mesh includes a js peer")
                        .isTrue();
                assertThat(jss.stream().anyMatch(j -> j.gossipsub().mesh(TOPIC).stream()
                                .anyMatch(p -> servents.stream()
                                        .anyMatch(s -> s.peerId().equals(p)))))
                        .as("a js mesh includes a servent peer")
                        .isTrue();

                leaving(servents, jss);
                lateJoinerCatchesUpByGossip(servents, jss, config);
                assertThat(logs.warnings())
                        .as("what servent logged at WARN or above")
                        .isEmpty();
            } finally {
                servents.forEach(s -> {
                    s.gossipsub().close();
                    s.peer().close();
                });
                jss.forEach(j -> j.js().close());
            }
        }
    }

    /** A js peer unsubscribes: its servent neighbours see it go, and it gets no later message. */
    private static void leaving(List<ServentNode> servents, List<JsNode> jss) {
        JsNode leaver = jss.get(0);
        int before = leaver.gossipsub().received(TOPIC).size();
        leaver.gossipsub().unsubscribe(TOPIC);
        Await.until(
                WAIT,
                () -> servents.stream()
                        .noneMatch(s -> s.gossipsub().topicPeers(TOPIC).contains(leaver.peerId())),
                "every servent peer sees " + leaver.name() + " unsubscribe");
        String text = "after " + leaver.name() + " left";
        servents.get(2).gossipsub().publish(TOPIC, text.getBytes(StandardCharsets.UTF_8));
        for (JsNode j : jss.subList(1, jss.size())) {
            Await.until(WAIT, () -> j.received().containsKey(text), j.name() + " gets the message after the leave");
        }
        for (ServentNode s : servents) {
            if (s != servents.get(2)) {
                Await.until(WAIT, () -> s.received().containsKey(text), s.name() + " gets the message after the leave");
            }
        }
        assertThat(leaver.gossipsub().received(TOPIC)).hasSize(before);
    }

    /**
     * A servent peer that connects after a message went round can only get it from the js peers' IHAVE
     * gossip and its own IWANT (mesh peers forward a message once, when it first arrives), which
     * works only if both sides derive the same message ids. With D = 1 it grafts one of its three js
     * peers; their meshes are full, so the other two keep it outside theirs and gossip to it.
     */
    private static void lateJoinerCatchesUpByGossip(
            List<ServentNode> servents, List<JsNode> jss, GossipsubConfig config) throws IOException {
        GossipsubConfig narrow =
                config.withDOut(0).withDScore(1).withDLo(1).withD(1).withDHi(1);
        ServentPeer peer = ServentPeer.start();
        ServentNode late =
                new ServentNode("servent-late", peer, Gossipsub.start(peer.host(), narrow), new ConcurrentHashMap<>());
        servents.add(late);
        late.gossipsub().subscribe(TOPIC, late::onMessage);
        String text = "js-3 before servent-late joined";
        jss.get(3).gossipsub().publish(TOPIC, text);
        List<JsNode> contacts = List.of(jss.get(1), jss.get(2), jss.get(4));
        Await.until(
                WAIT,
                () -> contacts.stream().allMatch(j -> j.received().containsKey(text)),
                "the message reaches js-1, js-2 and js-4");
        for (JsNode contact : contacts) {
            late.connect(contact);
        }
        Await.until(WAIT, () -> late.received().containsKey(text), "the late joiner gets it by IHAVE and IWANT");
        // It catches up on whatever else the js message caches still advertised, each message once.
        assertThat(late.received()).containsEntry(text, 1).allSatisfy((t, count) -> assertThat(count)
                .isEqualTo(1));
        log.info(
                "the late joiner caught up on {} messages by gossip",
                late.received().size());
    }

    private static Set<String> othersOf(Set<String> all, String name) {
        return all.stream().filter(t -> !t.startsWith(name + " ")).collect(Collectors.toSet());
    }

    private static void assertExactlyOnce(String name, Map<String, Integer> received, Set<String> expected) {
        assertThat(received.keySet()).as("what " + name + " received").isEqualTo(expected);
        assertThat(received).as("deliveries per message at " + name).allSatisfy((text, count) -> assertThat(count)
                .isEqualTo(1));
    }

    private static void awaitMeshes(List<ServentNode> servents, List<JsNode> jss, Map<PeerId, Set<PeerId>> neighbours) {
        for (ServentNode s : servents) {
            Await.until(
                    WAIT,
                    () -> s.gossipsub().topicPeers(TOPIC).containsAll(neighbours.getOrDefault(s.peerId(), Set.of()))
                            && s.gossipsub().meshPeers(TOPIC).size()
                                    >= Math.min(
                                            4,
                                            neighbours
                                                    .getOrDefault(s.peerId(), Set.of())
                                                    .size()),
                    s.name() + " knows its neighbours' subscriptions and has a mesh");
        }
        for (JsNode j : jss) {
            Await.until(
                    WAIT,
                    () -> j.gossipsub().subscribers(TOPIC).containsAll(neighbours.getOrDefault(j.peerId(), Set.of()))
                            && j.gossipsub().mesh(TOPIC).size()
                                    >= Math.min(
                                            4,
                                            neighbours
                                                    .getOrDefault(j.peerId(), Set.of())
                                                    .size()),
                    j.name() + " knows its neighbours' subscriptions and has a mesh");
        }
    }

    private static void logMeshes(List<ServentNode> servents, List<JsNode> jss) {
        Map<PeerId, String> names = new HashMap<>();
        servents.forEach(s -> names.put(s.peerId(), s.name()));
        jss.forEach(j -> names.put(j.peerId(), j.name()));
        Function<List<PeerId>, String> named = peers -> peers.stream()
                .map(p -> names.getOrDefault(p, p.toString()))
                .sorted()
                .collect(Collectors.joining(", "));
        for (ServentNode s : servents) {
            log.info(
                    "{} mesh: {}",
                    s.name(),
                    named.apply(List.copyOf(s.gossipsub().meshPeers(TOPIC))));
        }
        for (JsNode j : jss) {
            log.info("{} mesh: {}", j.name(), named.apply(j.gossipsub().mesh(TOPIC)));
        }
    }
}
