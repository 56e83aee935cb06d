package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.servent.apps.files.proto.QrpProto;
import io.servent.apps.files.proto.SearchProto;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * L2: 3 super-peers and 9 leaves, real hosts on the memory transport: queries reach the leaves that
 * match and no others, hits come back along the reverse path, duplicates are dropped, access-listed
 * files never leave through a relay, and hostile QRP and search messages are refused.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FloodServiceTest {
    static final FloodConfig SUPER = FloodConfig.defaults()
            .withPolicy(FloodConfig.Policy.FORCE_SUPER_PEER)
            .withHopTimeout(Duration.ofSeconds(2));
    static final FloodConfig LEAF =
            FloodConfig.defaults().withPolicy(FloodConfig.Policy.FORCE_LEAF).withLeafSuperPeers(2);
    static final FloodElection.Inputs NEW = new FloodElection.Inputs(Duration.ZERO, 0, false);

    @TempDir
    static Path tmp;

    SearchTestNetwork net;
    SearchTestNetwork.Peer evil;
    List<SearchTestNetwork.Peer> sps = new ArrayList<>();
    List<SearchTestNetwork.Peer> leaves = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        net = new SearchTestNetwork(tmp);
        for (int i = 0; i < 12; i++) {
            SearchTestNetwork.Peer p = net.start();
            boolean sp = i < 3;
            p.flood = new FloodService(p.host, p.index, p.responder, sp ? SUPER : LEAF, NEW);
            net.own(p.flood);
            (sp ? sps : leaves).add(p);
            p.share("music", ShareAccess.everyone(), "common tune " + i + ".mp3", "unique" + i + " song.ogg");
        }
        evil = net.start(); // no flood service: speaks the protocols by hand
        net.introduceAll();
        // leaf 3 (peer 6) shares a secret with leaf 4 (peer 7) only
        leaves.get(3).share("friends", ShareAccess.peers(leaves.get(4).host.peerId()), "secretplans.txt");
        for (SearchTestNetwork.Peer sp : sps) {
            sp.flood().connect(ids(sps));
        }
        for (int i = 0; i < leaves.size(); i++) {
            SearchTestNetwork.Peer leaf = leaves.get(i);
            if (i % 2 == 0) {
                leaf.flood().refreshTable(); // table sent whole on connect
            }
            List<PeerId> order = new ArrayList<>(ids(sps));
            java.util.Collections.rotate(order, i);
            assertThat(leaf.flood().connect(order)).isEqualTo(2);
            if (i % 2 == 1) {
                leaf.flood().refreshTable(); // table sent as a patch after connecting
            }
        }
        ShareIndexerTest.await(
                () -> sps.stream().mapToInt(s -> s.flood().leaves().size()).sum() == 18
                        && sps.stream().allMatch(s -> s.flood().neighbours().size() == 2));
    }

    @AfterAll
    void stop() {
        net.close();
    }

    static List<PeerId> ids(List<SearchTestNetwork.Peer> peers) {
        return peers.stream().map(p -> p.host.peerId()).toList();
    }

    static List<FileHit> search(SearchTestNetwork.Peer from, String words) throws IOException {
        List<FileHit> hits = new CopyOnWriteArrayList<>();
        from.flood().search(FileQuery.of(words), 500, hits::add);
        return hits;
    }

    long leafQueries() {
        return leaves.stream().mapToLong(l -> l.responder.received.get()).sum();
    }

    @Test
    void aQueryFindsFilesOfLeavesBehindOtherSuperPeers() throws IOException {
        SearchTestNetwork.Peer from = leaves.get(0);
        for (int i = 1; i < leaves.size(); i++) {
            int n = leaves.get(i).n;
            List<FileHit> hits = search(from, "unique" + n);
            assertThat(hits).as("unique%d", n).hasSize(1);
            assertThat(hits.get(0).provider()).isEqualTo(leaves.get(i).host.peerId());
            assertThat(hits.get(0).name()).isEqualTo("music/unique" + n + " song.ogg");
            assertThat(hits.get(0).mode()).isEqualTo(SearchMode.FLOOD);
            assertThat(hits.get(0).addresses()).isNotEmpty();
        }
        // A word every peer has: every other peer answers (super-peers too), each once.
        List<FileHit> common = search(from, "common tune");
        assertThat(common.stream().map(FileHit::provider).collect(Collectors.toSet()))
                .hasSize(11)
                .doesNotContain(from.host.peerId());
    }

    @Test
    void qrpKeepsQueriesFromLeavesThatCannotMatch() throws IOException {
        long[] before =
                leaves.stream().mapToLong(l -> l.responder.received.get()).toArray();
        long suppressedBefore =
                sps.stream().mapToLong(s -> s.flood().suppressedByQrp.get()).sum();
        SearchTestNetwork.Peer target = leaves.get(7);
        List<FileHit> hits = search(leaves.get(2), "unique" + target.n);
        assertThat(hits).hasSize(1);
        long reached = 0;
        for (int i = 0; i < leaves.size(); i++) {
            long got = leaves.get(i).responder.received.get() - before[i];
            if (leaves.get(i) == target) {
                assertThat(got).as("queries at the matching leaf").isPositive();
                reached = got;
            } else {
                assertThat(got).as("queries at non-matching leaf %d", i).isZero();
            }
        }
        long suppressed =
                sps.stream().mapToLong(s -> s.flood().suppressedByQrp.get()).sum() - suppressedBefore;
        assertThat(suppressed).as("leaves spared by QRP").isGreaterThanOrEqualTo(12);
        System.out.printf("flood: 1 matching leaf of 9: %d leaf queries, %d suppressed by QRP%n", reached, suppressed);
    }

    @Test
    void dynamicQueryingStopsAtTheTarget() throws IOException {
        SearchTestNetwork.Peer leaf = leaves.get(5);
        long sent = sps.stream().mapToLong(s -> s.responder.received.get()).sum();
        // "tune" is everywhere: the first step (one super-peer, ttl 1) brings >= 3 hits, enough for a target of 3.
        FloodService narrow = new FloodService(leaf.host, leaf.index, leaf.responder, LEAF.withTargetResults(3), NEW);
        try {
            narrow.connect(ids(sps));
            List<FileHit> hits = new CopyOnWriteArrayList<>();
            narrow.search(FileQuery.of("tune"), 500, hits::add);
            assertThat(hits.size()).isBetween(3, 8);
            long steps = sps.stream().mapToLong(s -> s.responder.received.get()).sum() - sent;
            // one step at the first super-peer, plus that super-peer's... none: ttl 1 does not reach neighbours
            assertThat(steps).isEqualTo(1);
        } finally {
            narrow.close();
            leaf.flood = new FloodService(leaf.host, leaf.index, leaf.responder, LEAF, NEW);
            net.own(leaf.flood);
            leaf.flood.refreshTable();
            leaf.flood.connect(ids(sps));
        }
    }

    @Test
    void duplicateQueriesAreDropped() throws IOException {
        SearchTestNetwork.Peer sp = sps.get(0);
        byte[] guid = new byte[16];
        guid[0] = 42;
        long dup = sp.responder.duplicates.get();
        List<FileHit> first = new ArrayList<>();
        List<FileHit> second = new ArrayList<>();
        SearchTestNetwork.Peer asker = leaves.get(1);
        SearchClient.query(
                asker.host,
                sp.host.peerId(),
                guid,
                FileQuery.of("tune"),
                1,
                0,
                100,
                SearchMode.FLOOD,
                Duration.ofSeconds(5),
                first::add);
        SearchClient.query(
                asker.host,
                sp.host.peerId(),
                guid,
                FileQuery.of("tune"),
                1,
                0,
                100,
                SearchMode.FLOOD,
                Duration.ofSeconds(5),
                second::add);
        assertThat(first).isNotEmpty();
        assertThat(second).isEmpty();
        assertThat(sp.responder.duplicates.get()).isEqualTo(dup + 1);
    }

    @Test
    void hitsTheirProviderDidNotSignForThisQueryAreRefused() throws IOException {
        SearchTestNetwork.Peer provider = leaves.get(0);
        SearchTestNetwork.Peer asker = leaves.get(1);
        Cid root = UnixFs.rawLeaf("forged".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .cid();
        byte[] guid = new byte[16];
        guid[0] = 7;
        byte[] otherQuery = new byte[16];
        otherQuery[0] = 8;
        String name = "music/tune.mp3";
        ByteString valid = ByteString.copyFrom(provider.host.sign(SearchWire.hitSigningBytes(guid, root, 5, name)));
        List<ByteString> forgeries = List.of(
                ByteString.EMPTY, // unsigned
                ByteString.copyFrom(new byte[64]), // garbage
                ByteString.copyFrom(
                        provider.host.sign(SearchWire.hitSigningBytes(otherQuery, root, 5, name))), // replay
                ByteString.copyFrom(
                        provider.host.sign(SearchWire.hitSigningBytes(guid, root, 6, name))), // size changed
                ByteString.copyFrom(evil.host.sign(SearchWire.hitSigningBytes(guid, root, 5, name)))); // wrong signer
        try {
            for (ByteString signature : forgeries) {
                answerEveryQueryWith(SearchWire.encodeHit(root, name, 5, provider.host.peerId(), List.of(), signature));
                assertThatThrownBy(() -> SearchClient.query(
                                asker.host,
                                evil.host.peerId(),
                                guid,
                                FileQuery.of("tune"),
                                0,
                                0,
                                10,
                                SearchMode.FLOOD,
                                Duration.ofSeconds(5),
                                hit -> {}))
                        .isInstanceOf(ProtocolViolationException.class)
                        .hasMessageContaining("sent a hit for " + root);
            }
            answerEveryQueryWith(SearchWire.encodeHit(root, name, 5, provider.host.peerId(), List.of(), valid));
            List<FileHit> relayed = new ArrayList<>();
            SearchClient.query(
                    asker.host,
                    evil.host.peerId(),
                    guid,
                    FileQuery.of("tune"),
                    0,
                    0,
                    10,
                    SearchMode.FLOOD,
                    Duration.ofSeconds(5),
                    relayed::add);
            assertThat(relayed).singleElement().satisfies(h -> {
                assertThat(h.provider()).isEqualTo(provider.host.peerId());
                assertThat(h.name()).isEqualTo(name);
            });
        } finally {
            evil.host.removeStreamHandler(SearchWire.PROTOCOL_ID);
        }
    }

    /** The evil peer answers every query with {@code hit}, as a lying super-peer would relay it. */
    private void answerEveryQueryWith(SearchProto.SearchHit hit) {
        evil.host.setStreamHandler(SearchWire.PROTOCOL_ID, s -> {
            LengthPrefixed.readRequired(s.in(), SearchWire.MAX_REQUEST_BYTES);
            LengthPrefixed.write(
                    s.out(),
                    SearchProto.SearchResponse.newBuilder().addHits(hit).build().toByteArray());
            s.out().flush();
            s.closeWrite();
        });
    }

    @Test
    void accessListedFilesNeverTravelThroughRelays() throws IOException {
        SearchTestNetwork.Peer owner = leaves.get(3);
        SearchTestNetwork.Peer friend = leaves.get(4);
        List<SearchTestNetwork.Peer> all = new ArrayList<>(sps);
        all.addAll(leaves);
        for (SearchTestNetwork.Peer p : all) {
            if (p != owner) {
                assertThat(search(p, "secretplans")).as("flooded from %s", p).isEmpty();
            }
        }
        // Asked directly, the owner tells the friend and no one else.
        List<FileHit> direct = new ArrayList<>();
        SearchClient.query(
                friend.host,
                owner.host.peerId(),
                new byte[16],
                FileQuery.of("secretplans"),
                0,
                0,
                10,
                SearchMode.DHT,
                Duration.ofSeconds(5),
                direct::add);
        assertThat(direct).extracting(FileHit::name).containsExactly("friends/secretplans.txt");
        List<FileHit> stranger = new ArrayList<>();
        SearchClient.query(
                leaves.get(0).host,
                owner.host.peerId(),
                new byte[16],
                FileQuery.of("secretplans"),
                0,
                0,
                10,
                SearchMode.DHT,
                Duration.ofSeconds(5),
                stranger::add);
        assertThat(stranger).isEmpty();
    }

    @Test
    void hostileQrpMessagesCloseTheLinkAndNothingElse() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(FloodService.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        SearchTestNetwork.Peer sp = sps.get(1);
        try {
            List<List<QrpProto.QrpMessage>> scripts = List.of(
                    List.of(reset(16)), // no hello
                    List.of(hello(), patch(1, new byte[] {1, 2, 3})), // patch before reset
                    List.of(hello(), reset(40)), // absurd table
                    List.of(hello(), reset(16), patch(2, deflate(new byte[8192]))), // out of order
                    List.of(hello(), reset(16), patch(1, deflate(new byte[100]))), // wrong size
                    List.of(hello(), reset(8), patch(1, deflate(new byte[1 << 20])))); // inflation bomb
            for (List<QrpProto.QrpMessage> script : scripts) {
                Stream s = evil.host.newStream(sp.host.peerId(), FloodService.QRP_PROTOCOL_ID);
                try {
                    for (QrpProto.QrpMessage m : script) {
                        LengthPrefixed.write(s.out(), m.toByteArray());
                        s.out().flush();
                    }
                    s.setReadTimeout(Duration.ofSeconds(5));
                    while (s.in().read() >= 0) {
                        // until the super-peer resets
                    }
                } catch (IOException expected) {
                    // reset
                }
            }
            Stream garbage = evil.host.newStream(sp.host.peerId(), FloodService.QRP_PROTOCOL_ID);
            LengthPrefixed.write(garbage.out(), new byte[] {(byte) 0xff, 0x7f, 0x00});
            garbage.out().flush();
            ShareIndexerTest.await(() -> appender.list.size() >= 6);
            assertThat(appender.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.contains("must start with hello"))
                    .anyMatch(m -> m.contains("patch before a reset"))
                    .anyMatch(m -> m.contains("2^40"))
                    .anyMatch(m -> m.contains("after 0"))
                    .anyMatch(m -> m.contains("inflate to exactly"));
        } finally {
            logger.detachAppender(appender);
        }
        // The super-peer still routes.
        assertThat(search(leaves.get(0), "unique" + leaves.get(6).n)).hasSize(1);
    }

    @Test
    void electionFollowsUptimeBandwidthAndReachability() {
        FloodConfig elect = FloodConfig.defaults();
        assertThat(FloodElection.decide(elect, new FloodElection.Inputs(Duration.ofHours(2), 1_000_000, true)))
                .isEqualTo(FloodService.Role.SUPER_PEER);
        assertThat(FloodElection.decide(elect, new FloodElection.Inputs(Duration.ofMinutes(5), 1_000_000, true)))
                .isEqualTo(FloodService.Role.LEAF);
        assertThat(FloodElection.decide(elect, new FloodElection.Inputs(Duration.ofHours(2), 1_000, true)))
                .isEqualTo(FloodService.Role.LEAF);
        assertThat(FloodElection.decide(elect, new FloodElection.Inputs(Duration.ofHours(2), 1_000_000, false)))
                .isEqualTo(FloodService.Role.LEAF);
        assertThat(FloodElection.decide(
                        elect.withPolicy(FloodConfig.Policy.FORCE_SUPER_PEER),
                        new FloodElection.Inputs(Duration.ZERO, 0, false)))
                .isEqualTo(FloodService.Role.SUPER_PEER);
    }

    static QrpProto.QrpMessage hello() {
        return QrpProto.QrpMessage.newBuilder()
                .setHello(QrpProto.QrpHello.newBuilder().setRole(QrpProto.QrpHello.Role.LEAF))
                .build();
    }

    static QrpProto.QrpMessage reset(int bits) {
        return QrpProto.QrpMessage.newBuilder()
                .setReset(QrpProto.QrpReset.newBuilder().setTableBits(bits))
                .build();
    }

    static QrpProto.QrpMessage patch(long seq, byte[] deflated) {
        return QrpProto.QrpMessage.newBuilder()
                .setPatch(QrpProto.QrpPatch.newBuilder().setSeq(seq).setDeflatedXor(ByteString.copyFrom(deflated)))
                .build();
    }

    static byte[] deflate(byte[] raw) {
        java.util.zip.Deflater d = new java.util.zip.Deflater();
        d.setInput(raw);
        d.finish();
        byte[] out = new byte[raw.length + 1024];
        int n = d.deflate(out);
        d.end();
        return java.util.Arrays.copyOf(out, n);
    }

    static Set<PeerId> unused() {
        return Set.of();
    }
}
