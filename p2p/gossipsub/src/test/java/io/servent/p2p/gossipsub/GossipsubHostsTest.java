package io.servent.p2p.gossipsub;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Stream;
import io.servent.p2p.api.Varint;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.testing.Await;
import io.servent.p2p.testing.Chaos;
import io.servent.p2p.testing.ChaosConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Real hosts (Noise, Yamux, in-memory transport) running gossipsub against each other and against attackers. */
@Timeout(180)
class GossipsubHostsTest {
    private static final String TOPIC = "servent-l2";
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Counts what one subscriber's application receives, per message id. */
    static final class Received {
        final Map<MessageId, Integer> counts = new ConcurrentHashMap<>();
        final Map<MessageId, String> texts = new ConcurrentHashMap<>();

        void add(GossipsubMessage m) {
            counts.merge(m.id(), 1, Integer::sum);
            texts.put(m.id(), new String(m.data(), StandardCharsets.UTF_8));
        }

        boolean hasAll(Set<MessageId> ids) {
            return counts.keySet().containsAll(ids);
        }
    }

    /** What a router that missed messages knew: to tell a lost message from a partitioned mesh. */
    private static String diagnosis(Gossipsub g, List<Gossipsub> all, Received r, Set<MessageId> expected) {
        Set<MessageId> missing = new java.util.HashSet<>(expected);
        missing.removeAll(r.counts.keySet());
        StringBuilder out = new StringBuilder();
        out.append(missing.size()).append(" of ").append(expected.size()).append(" missing; connected to ");
        out.append(g.peers().size())
                .append(", topic peers ")
                .append(g.topicPeers(TOPIC).size());
        out.append(", mesh ").append(g.meshPeers(TOPIC).size()).append("; scores");
        for (PeerId p : g.peers()) {
            out.append(' ').append(String.format(java.util.Locale.ROOT, "%.1f", g.score(p)));
        }
        out.append("; stats ").append(g.stats());
        long meshless = all.stream().filter(x -> x.meshPeers(TOPIC).isEmpty()).count();
        return out.append("; routers with an empty mesh: ").append(meshless).toString();
    }

    /** A fresh seed per run, printed; {@code -Dservent.test.seed=N} replays a failed run. */
    private static long seed(String test) {
        long seed = Long.getLong("servent.test.seed", System.nanoTime());
        System.out.println(test + " seed " + seed + " (replay with -Dservent.test.seed=" + seed + ")");
        return seed;
    }

    /** Waits until every router has formed a mesh as large as its topic peers allow (up to D_lo). */
    /**
     * Also waits until every mesh link is known at both ends. While a GRAFT is in flight (a stall
     * delays it) the grafting side counts the link and its peer does not: the peer forwards to its
     * own mesh only and, once it takes the GRAFT, no longer gossips to us either. A router whose every
     * topic peer is such a half-link can miss a message for good: the protocol's gap, not a loss.
     */
    private static void awaitMeshes(List<Gossipsub> routers) {
        Map<PeerId, Gossipsub> byId = new HashMap<>();
        routers.forEach(g -> byId.put(g.peerId(), g));
        Await.until(
                WAIT,
                () -> routers.stream().allMatch(g -> {
                    int available = g.topicPeers(TOPIC).size();
                    return available > 0
                            && g.meshPeers(TOPIC).size() >= Math.min(4, available)
                            && g.meshPeers(TOPIC).stream()
                                    .allMatch(p -> !byId.containsKey(p)
                                            || byId.get(p).meshPeers(TOPIC).contains(g.peerId()));
                }),
                "every router has a mesh, each link known at both ends");
    }

    @Test
    void twentyHostsDeliverEveryMessageExactlyOnceDespiteSilentDroppers() throws Exception {
        Random random = new Random(seed("twentyHosts"));
        List<Gossipsub> all;
        try (GossipsubHosts net = new GossipsubHosts(false)) {
            // Mesh forwarding only (no flood publishing), so peers that swallow messages matter.
            all = net.gossipsubs(20, GossipsubConfig.defaults().withFloodPublish(false));
            List<Gossipsub> droppers = all.subList(0, 4);
            List<Gossipsub> honest = all.subList(4, all.size());
            for (Gossipsub dropper : droppers) {
                dropper.setValidator(TOPIC, m -> ValidationResult.ignore("swallows everything"));
            }
            net.connectRandomly(4, random);
            Map<Gossipsub, Received> received = new HashMap<>();
            for (Gossipsub g : all) {
                Received r = new Received();
                received.put(g, r);
                g.subscribe(TOPIC, r::add);
            }
            awaitMeshes(all);

            Map<Gossipsub, Set<MessageId>> published = new HashMap<>();
            Set<MessageId> ids = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 60; i++) {
                Gossipsub publisher = honest.get(i % 6);
                MessageId id = publisher
                        .publish(TOPIC, ("message " + i).getBytes(StandardCharsets.UTF_8))
                        .id();
                ids.add(id);
                published
                        .computeIfAbsent(publisher, p -> ConcurrentHashMap.newKeySet())
                        .add(id);
            }
            for (Gossipsub g : honest) {
                Set<MessageId> expected = new java.util.HashSet<>(ids);
                expected.removeAll(published.getOrDefault(g, Set.of()));
                Await.until(
                        WAIT,
                        () -> java.util.Objects.requireNonNull(received.get(g)).hasAll(expected),
                        g + " has every message");
                assertThat(java.util.Objects.requireNonNull(received.get(g))
                                .counts
                                .keySet())
                        .isEqualTo(expected);
                assertThat(java.util.Objects.requireNonNull(received.get(g))
                                .counts
                                .values())
                        .allMatch(c -> c == 1);
            }
            for (Gossipsub dropper : droppers) {
                assertThat(java.util.Objects.requireNonNull(received.get(dropper)).counts)
                        .isEmpty();
            }
            assertThat(all)
                    .allSatisfy(g -> assertThat(g.stats().messagesUnauthentic()).isZero());
        }
        assertThat(all).allSatisfy(g -> assertThat(g.liveThreadCount()).isZero());
    }

    @Test
    void slowJitteryLinksWithStallsStillDeliverEveryMessageOnce() throws Exception {
        long seed = seed("slowLinks");
        Chaos chaos = new Chaos(
                seed,
                ChaosConfig.defaults()
                        .withLatency(Duration.ofMillis(30))
                        .withJitter(Duration.ofMillis(20))
                        .withStalls(0.02, Duration.ofMillis(300)));
        List<Gossipsub> all;
        try (GossipsubHosts net = new GossipsubHosts(true, chaos)) {
            all = net.gossipsubs(15, GossipsubConfig.defaults().withFloodPublish(false));
            net.connectRandomly(4, new Random(seed));
            Map<Gossipsub, Received> received = new HashMap<>();
            for (Gossipsub g : all) {
                Received r = new Received();
                received.put(g, r);
                g.subscribe(TOPIC, r::add);
            }
            awaitMeshes(all);
            Map<Gossipsub, Set<MessageId>> published = new HashMap<>();
            Set<MessageId> ids = new java.util.HashSet<>();
            for (int i = 0; i < 45; i++) {
                Gossipsub publisher = all.get(i % all.size());
                MessageId id = publisher
                        .publish(TOPIC, ("slow " + i).getBytes(StandardCharsets.UTF_8))
                        .id();
                ids.add(id);
                published
                        .computeIfAbsent(publisher, p -> new java.util.HashSet<>())
                        .add(id);
            }
            for (Gossipsub g : all) {
                Set<MessageId> expected = new java.util.HashSet<>(ids);
                expected.removeAll(published.getOrDefault(g, Set.of()));
                Received r = java.util.Objects.requireNonNull(received.get(g));
                try {
                    Await.until(WAIT, () -> r.hasAll(expected), g + " has every message");
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; " + diagnosis(g, all, r, expected), e);
                }
                assertThat(r.counts.keySet()).isEqualTo(expected);
                assertThat(r.counts.values()).allMatch(c -> c == 1);
            }
        }
        assertThat(all).allSatisfy(g -> assertThat(g.liveThreadCount()).isZero());
    }

    @Test
    void forgedSignaturesAreRejectedPenalisedAndTheForgerGraylisted() throws Exception {
        GossipsubConfig config = GossipsubConfig.defaults()
                .withScoreParams(PeerScoreParams.defaults()
                        .withTopic(
                                TOPIC,
                                TopicScoreParams.defaults()
                                        .withTopicWeight(1)
                                        .withTimeInMeshWeight(0)
                                        .withFirstMessageDeliveriesWeight(0)
                                        .withMeshMessageDeliveriesWeight(0)
                                        .withMeshFailurePenaltyWeight(0)
                                        .withInvalidMessageDeliveriesWeight(-10)
                                        .withInvalidMessageDeliveriesDecay(0.99)));
        try (GossipsubHosts net = new GossipsubHosts(false)) {
            Gossipsub victim = net.gossipsub(config);
            Gossipsub honest = net.gossipsub(config);
            BasicHost attacker = net.host();
            attacker.setStreamHandler(Gossipsub.PROTOCOL_V11, s -> s.in().transferTo(OutputStream.nullOutputStream()));
            net.connect(net.hostOf(honest), net.hostOf(victim));
            net.connect(attacker, net.hostOf(victim));
            Received received = new Received();
            victim.subscribe(TOPIC, received::add);
            honest.subscribe(TOPIC);
            Await.until(WAIT, () -> victim.meshPeers(TOPIC).contains(honest.peerId()), "honest joins the mesh");

            Stream stream = attacker.newStream(victim.peerId(), Gossipsub.PROTOCOL_V11);
            write(stream, Scripted.subscribe(TOPIC));
            Random random = new Random(1);
            // In one RPC: once three are judged the forger is graylisted and a fourth RPC would be ignored.
            RPC.Builder forgeries = RPC.newBuilder();
            for (int i = 0; i < 4; i++) {
                byte[] signature = new byte[64];
                random.nextBytes(signature);
                Message forged = Message.newBuilder()
                        .setFrom(ByteString.copyFrom(honest.peerId().bytes())) // claims to be honest's
                        .setSeqno(MessageSigning.seqno(1000 + i))
                        .setTopic(TOPIC)
                        .setData(ByteString.copyFromUtf8("forged " + i))
                        .setSignature(ByteString.copyFrom(signature))
                        .build();
                forgeries.addPublish(forged);
            }
            write(stream, forgeries.build());
            Await.until(WAIT, () -> victim.stats().messagesUnauthentic() == 4, "the forgeries are checked");
            // 4 invalid messages: 4^2 x -10 (decaying slowly), below the graylist threshold of -80
            Await.until(WAIT, () -> victim.score(attacker.peerId()) < -80, "the forger is graylisted");
            assertThat(victim.score(honest.peerId())).isGreaterThanOrEqualTo(0);

            long graylisted = victim.stats().rpcsGraylisted();
            write(stream, Scripted.subscribe("another"));
            Await.until(WAIT, () -> victim.stats().rpcsGraylisted() > graylisted, "its next RPC is ignored");
            assertThat(victim.topicPeers("another")).isEmpty();

            MessageId genuine = honest.publish(TOPIC, "genuine".getBytes(StandardCharsets.UTF_8))
                    .id();
            Await.until(WAIT, () -> received.counts.containsKey(genuine), "the genuine message arrives");
            assertThat(received.texts.values()).containsExactly("genuine");
        }
    }

    @Test
    void oversizeAndMalformedRpcsCloseTheStreamWithAClearLogLine() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(Gossipsub.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (GossipsubHosts net = new GossipsubHosts(false)) {
            Gossipsub victim = net.gossipsub(GossipsubConfig.defaults());
            BasicHost attacker = net.host();
            // It serves gossipsub (reading what the victim sends), so the victim keeps it as a peer.
            attacker.setStreamHandler(Gossipsub.PROTOCOL_V11, s -> s.in().transferTo(OutputStream.nullOutputStream()));
            net.connect(attacker, net.hostOf(victim));
            PeerId a = attacker.peerId();

            Stream oversize = attacker.newStream(victim.peerId(), Gossipsub.PROTOCOL_V11);
            Varint.write(2 << 20, oversize.out());
            oversize.out().write(new byte[100]);
            oversize.out().flush();
            awaitLine(
                    appender,
                    "closing the gossipsub stream from " + a
                            + ": message of 2097152 bytes exceeds the limit of 1048576 bytes");
            assertClosedByPeer(oversize);

            Stream garbage = attacker.newStream(victim.peerId(), Gossipsub.PROTOCOL_V11);
            LengthPrefixed.write(garbage.out(), new byte[] {0x0a, 0x7f, 0x01});
            garbage.out().flush();
            awaitLine(appender, "closing the gossipsub stream from " + a + ": malformed gossipsub RPC");

            Stream flood = attacker.newStream(victim.peerId(), Gossipsub.PROTOCOL_V11);
            RPC.Builder many = RPC.newBuilder();
            for (int i = 0; i < 5001; i++) {
                many.addSubscriptions(
                        RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid("t"));
            }
            write(flood, many.build());
            awaitLine(
                    appender,
                    "closing the gossipsub stream from " + a
                            + ": gossipsub RPC has more than 5000 subscriptions (maxSubscriptionsPerRpc)");

            assertThat(victim.stats().rpcsMalformed()).isEqualTo(3);
            // The connection survives; a well-formed stream is served as usual.
            Stream fine = attacker.newStream(victim.peerId(), Gossipsub.PROTOCOL_V11);
            write(fine, Scripted.subscribe(TOPIC));
            Await.until(WAIT, () -> victim.topicPeers(TOPIC).contains(a), "the well-formed RPC is handled");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void unsubscribingLeavesTheTopicAndClosingLeavesEveryPeer() throws Exception {
        try (GossipsubHosts net = new GossipsubHosts(false)) {
            List<Gossipsub> all = net.gossipsubs(6, GossipsubConfig.defaults());
            net.connectAll();
            List<GossipsubSubscription> subscriptions = new ArrayList<>();
            for (Gossipsub g : all) {
                subscriptions.add(g.subscribe(TOPIC));
            }
            awaitMeshes(all);
            Gossipsub leaver = all.get(0);
            List<Gossipsub> others = all.subList(1, all.size());

            subscriptions.get(0).close();
            Await.until(
                    WAIT,
                    () -> others.stream()
                            .noneMatch(g -> g.topicPeers(TOPIC).contains(leaver.peerId())
                                    || g.meshPeers(TOPIC).contains(leaver.peerId())),
                    "every peer sees the leaver unsubscribe");
            assertThat(leaver.meshPeers(TOPIC)).isEmpty();
            assertThat(leaver.subscriptions()).isEmpty();
            others.get(0).publish(TOPIC, "after leaving".getBytes(StandardCharsets.UTF_8));
            for (int i = 2; i < all.size(); i++) {
                assertThat(subscriptions.get(i).poll(WAIT)).isPresent();
            }
            assertThat(subscriptions.get(0).poll(Duration.ZERO)).isEmpty();

            leaver.close();
            assertThat(leaver.liveThreadCount()).isZero();
            Await.until(
                    WAIT,
                    () -> others.stream().noneMatch(g -> g.peers().contains(leaver.peerId())),
                    "every peer drops the closed router");
            others.get(1).publish(TOPIC, "still working".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < others.size(); i++) {
                if (i != 1) {
                    assertThat(subscriptions.get(i + 1).poll(WAIT)).isPresent();
                }
            }
        }
    }

    @Test
    void aSubscriberThatFallsBehindLosesMessagesAndIsToldHowMany() throws Exception {
        try (GossipsubHosts net = new GossipsubHosts(true)) {
            GossipsubConfig config = GossipsubConfig.defaults()
                    .withLimits(GossipsubLimits.defaults().withSubscriptionQueueSize(5));
            Gossipsub publisher = net.gossipsub(config);
            Gossipsub slow = net.gossipsub(config);
            net.connect(net.hostOf(publisher), net.hostOf(slow));
            GossipsubSubscription subscription = slow.subscribe(TOPIC);
            Await.until(WAIT, () -> publisher.topicPeers(TOPIC).contains(slow.peerId()), "the subscription is known");
            for (int i = 0; i < 12; i++) {
                publisher.publish(TOPIC, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            Await.until(WAIT, () -> subscription.dropped() == 7, "7 of 12 messages are dropped");
            List<GossipsubMessage> left = new ArrayList<>();
            subscription.drainTo(left);
            // Validation runs on several threads, so the order is the order checks finish in.
            assertThat(left.stream().map(GossipsubMessage::id).distinct()).hasSize(5);
        }
    }

    @Test
    void eventsReportSubscriptionsAndMeshChanges() throws Exception {
        try (GossipsubHosts net = new GossipsubHosts(true)) {
            Gossipsub a = net.gossipsub(GossipsubConfig.defaults());
            Gossipsub b = net.gossipsub(GossipsubConfig.defaults());
            List<GossipsubEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (AutoCloseable listener = a.onEvent(events::add)) {
                net.connect(net.hostOf(a), net.hostOf(b));
                a.subscribe(TOPIC);
                GossipsubSubscription bs = b.subscribe(TOPIC);
                Await.until(
                        WAIT,
                        () -> events.contains(new GossipsubEvent.PeerSubscribed(b.peerId(), TOPIC))
                                && events.contains(new GossipsubEvent.Grafted(b.peerId(), TOPIC)),
                        "b subscribes and joins the mesh");
                bs.close();
                Await.until(
                        WAIT,
                        () -> events.contains(new GossipsubEvent.PeerUnsubscribed(b.peerId(), TOPIC))
                                && events.contains(new GossipsubEvent.Pruned(b.peerId(), TOPIC)),
                        "b leaves");
            }
            assertThat(events.stream().map(e -> e.getClass().getSimpleName()).collect(Collectors.toSet()))
                    .contains("PeerSubscribed", "Grafted", "PeerUnsubscribed", "Pruned");
        }
    }

    private static void write(Stream stream, RPC rpc) throws IOException {
        LengthPrefixed.write(stream.out(), rpc.toByteArray());
        stream.out().flush();
    }

    private static void awaitLine(ListAppender<ILoggingEvent> appender, String line) {
        Await.until(
                WAIT,
                () -> appender.list.stream()
                        .anyMatch(e -> e.getFormattedMessage().startsWith(line)),
                "the log says: " + line);
    }

    private static void assertClosedByPeer(Stream stream) {
        try {
            stream.setReadTimeout(WAIT);
            assertThat(stream.in().read()).isEqualTo(-1);
        } catch (IOException reset) {
            // a reset: closed too
        }
    }
}
