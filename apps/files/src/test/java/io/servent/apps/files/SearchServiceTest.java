package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.kad.KadConfig;
import io.servent.p2p.kad.KadDht;
import io.servent.p2p.kad.KadIpDiversity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * L2: eleven real hosts with a real DHT, an index server, two super-peers: every mode finds what
 * others share, results merge by CID and rank by reputation, explain tells what it knows, access-
 * listed files stay invisible, and when the index server goes away a server search falls back.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SearchServiceTest {
    static final int N = 11;
    static final KadConfig KAD = KadConfig.defaults()
            .withProtocol("/servent/kad-test/1.0.0")
            .withRequestTimeout(Duration.ofSeconds(2))
            .withLookupTimeout(Duration.ofSeconds(10))
            .withIpDiversity(KadIpDiversity.unlimited());

    @TempDir
    static Path tmp;

    SearchTestNetwork net;
    final List<SearchService> services = new ArrayList<>();
    final List<ReputationStore> reputations = new ArrayList<>();
    DirectoryServer server;
    SearchTestNetwork.Peer serverPeer;

    @BeforeAll
    void start() throws Exception {
        net = new SearchTestNetwork(tmp);
        List<SearchTestNetwork.Peer> peers = net.start(N);
        net.introduceAll();
        serverPeer = peers.get(0);
        server = new DirectoryServer(serverPeer.host, DirectoryConfig.defaults());
        net.own(server);
        List<KadDht> dhts = new ArrayList<>();
        for (SearchTestNetwork.Peer p : peers) {
            KadDht dht = KadDht.start(p.host, KAD);
            net.own(dht);
            dhts.add(dht);
        }
        for (int i = 0; i < N; i++) {
            if (i != 1) {
                dhts.get(i).bootstrap(List.of(peers.get(1).address()));
            }
        }
        // Without identify the bootstrap peer does not know the others serve the DHT: it joins through peer 2.
        dhts.get(1).bootstrap(List.of(peers.get(2).address()));
        for (KadDht d : dhts) {
            d.bootstrap(List.of());
        }
        for (int i = 1; i < N; i++) {
            SearchTestNetwork.Peer p = peers.get(i);
            p.share("music", ShareAccess.everyone(), "zebra" + (10 + i) + " melody.mp3");
            Path same = Files.createDirectories(p.dir.resolve("music/same"));
            if (i == 6 || i == 7) {
                Files.write(same.resolve("twin tune.mp3"), "identical bytes".getBytes(StandardCharsets.UTF_8));
                p.indexer.scan(p.index.shares().get(0));
            }
        }
        peers.get(3).share("private", ShareAccess.peers(peers.get(4).host.peerId()), "hidden3 diary.txt");
        for (int i = 1; i < N; i++) {
            SearchTestNetwork.Peer p = peers.get(i);
            FloodConfig fc = i <= 2 ? FloodServiceTest.SUPER : FloodServiceTest.LEAF.withTargetResults(150);
            p.flood = new FloodService(p.host, p.index, p.responder, fc, FloodServiceTest.NEW);
            net.own(p.flood);
        }
        peers.get(1).flood().connect(List.of(peers.get(2).host.peerId()));
        for (int i = 3; i < N; i++) {
            peers.get(i).flood().refreshTable();
            assertThat(peers.get(i)
                            .flood()
                            .connect(List.of(
                                    peers.get(1).host.peerId(),
                                    peers.get(2).host.peerId())))
                    .isEqualTo(2);
        }
        for (int i = 1; i < N; i++) {
            SearchTestNetwork.Peer p = peers.get(i);
            DirectoryClient dc =
                    new DirectoryClient(p.host, p.index, List.of(serverPeer.host.peerId()), DirectoryConfig.defaults());
            net.own(dc);
            assertThat(dc.publish()).isEqualTo(1);
            KeywordService ks = new KeywordService(dhts.get(i), p.index, p.responder);
            net.own(ks);
            assertThat(ks.publish()).isGreaterThanOrEqualTo(3);
            ReputationStore rep = new ReputationStore(p.db);
            reputations.add(rep);
            SearchService s = new SearchService(p.host, p.index, dc, p.flood, ks, rep);
            net.own(s);
            services.add(s);
        }
        assertThat(server.stats().publishers()).isEqualTo(N - 1);
        assertThat(server.stats().entries()).isEqualTo(N - 1 + 2); // the private file is not listed
    }

    @AfterAll
    void stop() {
        net.close();
    }

    /** The service of peer {@code i} (1..N-1). */
    SearchService at(int i) {
        return services.get(i - 1);
    }

    PeerId id(int i) {
        return net.peers.get(i).host.peerId();
    }

    static Search run(SearchService s, String words, Set<SearchMode> modes, List<FileHit> hits)
            throws InterruptedException {
        Search search = s.search(FileQuery.of(words), modes, new SearchListener() {
            @Override
            public void onHit(FileHit hit, SearchResult merged) {
                hits.add(hit);
            }
        });
        assertThat(SearchService.await(search, Duration.ofSeconds(60))).isTrue();
        return search;
    }

    @Test
    @Order(1)
    void eachModeFindsFilesSharedByOthers() throws Exception {
        for (SearchMode mode : SearchMode.values()) {
            for (int from : new int[] {3, 5, 9}) {
                for (int j = 1; j < N; j++) {
                    if (j == from) {
                        continue;
                    }
                    List<FileHit> hits = new CopyOnWriteArrayList<>();
                    Search s = run(at(from), "zebra" + (10 + j), EnumSet.of(mode), hits);
                    assertThat(s.results())
                            .as("%s from %d for zebra%d: %s", mode, from, j, s.notes())
                            .hasSize(1);
                    SearchResult r = s.results().get(0);
                    assertThat(r.providers()).containsExactly(id(j));
                    assertThat(r.modes()).containsExactly(mode);
                    assertThat(r.name()).isEqualTo("music/zebra" + (10 + j) + " melody.mp3");
                    assertThat(r.type()).isEqualTo(FileType.AUDIO);
                    assertThat(hits).allMatch(h -> h.mode() == mode);
                }
            }
        }
    }

    @Test
    @Order(2)
    void resultsMergeByCidAcrossModesAndExplainSaysWhy() throws Exception {
        List<FileHit> hits = new CopyOnWriteArrayList<>();
        Search s = run(at(5), "twin tune", SearchMode.all(), hits);
        assertThat(s.results()).hasSize(1);
        SearchResult r = s.results().get(0);
        assertThat(r.sources()).isEqualTo(2);
        assertThat(r.providers()).containsExactlyInAnyOrder(id(6), id(7));
        assertThat(r.modes()).containsExactlyInAnyOrderElementsOf(SearchMode.all());
        assertThat(hits.size()).isGreaterThanOrEqualTo(6); // two providers, three modes
        ExplainReport why = at(5).explain(r.cid());
        assertThat(why.modes()).containsValues(true, true, true).doesNotContainValue(false);
        assertThat(why.providers()).extracting(ExplainProvider::peer).containsExactlyInAnyOrder(id(6), id(7));
        assertThat(why.providers()).allMatch(p -> p.reachable() && !p.viaRelay());
        assertThat(why.local()).isFalse();
        assertThat(why.reasons().get(0)).contains("2 peer(s) have it; 2 can be reached");
        ExplainReport unknown =
                at(5).explain(UnixFs.rawLeaf(new byte[] {9, 9, 9}).cid());
        assertThat(unknown.providers()).isEmpty();
        assertThat(unknown.reasons().get(0)).startsWith("No peer is known to have this file");
    }

    @Test
    @Order(3)
    void badPublishersRankDown() throws Exception {
        ReputationStore rep = reputations.get(4); // peer 5's
        Search before = run(at(5), "zebra", EnumSet.of(SearchMode.SERVER), new ArrayList<>());
        assertThat(before.results()).hasSize(N - 2);
        rep.recordBadBlock(id(8));
        rep.recordSpam(id(8));
        rep.recordGoodBlocks(id(9), 50);
        List<SearchResult> ranked = run(at(5), "zebra", EnumSet.of(SearchMode.SERVER), new ArrayList<>())
                .results();
        assertThat(ranked.get(ranked.size() - 1).providers()).containsExactly(id(8));
        assertThat(ranked.get(0).providers()).containsExactly(id(9));
        assertThat(rep.get(id(8)).score()).isNegative();
    }

    @Test
    @Order(4)
    void accessListedFilesAreInvisibleInEveryMode() throws Exception {
        for (int from : new int[] {1, 2, 5, 4}) {
            for (SearchMode mode : SearchMode.values()) {
                Search s = run(at(from), "hidden3", EnumSet.of(mode), new ArrayList<>());
                assertThat(s.results()).as("%s from %d", mode, from).isEmpty();
            }
        }
    }

    @Test
    @Order(5)
    void whenTheIndexServerIsGoneSearchFallsBack() throws Exception {
        server.close();
        serverPeer.host.close();
        List<FileHit> hits = new CopyOnWriteArrayList<>();
        Search s = run(at(4), "zebra19", EnumSet.of(SearchMode.SERVER), hits);
        assertThat(s.notes()).anyMatch(n -> n.startsWith("server:")).anyMatch(n -> n.contains("falling back"));
        assertThat(s.results()).hasSize(1);
        assertThat(s.results().get(0).providers()).containsExactly(id(9));
        assertThat(s.results().get(0).modes()).isNotEmpty().doesNotContain(SearchMode.SERVER);
    }
}
