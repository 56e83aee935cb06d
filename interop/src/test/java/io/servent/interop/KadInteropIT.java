package io.servent.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Varint;
import io.servent.p2p.kad.KadConfig;
import io.servent.p2p.kad.KadDht;
import io.servent.p2p.kad.KadLookupResult;
import io.servent.p2p.kad.KadPeer;
import io.servent.p2p.kad.KadPublicKeyValidator;
import io.servent.p2p.testing.Await;
import java.io.ByteArrayOutputStream;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHT across implementations: five servent peers ({@link KadDht} on a TCP + Noise + Yamux host)
 * and five js-libp2p peers ({@code @libp2p/kad-dht} 16, protocol {@code /ipfs/kad/1.0.0}, server
 * mode) on loopback form one network. Every peer finds every other through DHT lookups, provider
 * records announced by one implementation are found from the other, and {@code /pk/} records put by
 * one are read by the other. The records use RSA keys, whose PeerIds are hashes, so a reader cannot
 * derive the key from the id and must fetch what the other implementation stored.
 *
 * <p>Loopback addresses form no IP group by default ({@link io.servent.p2p.kad.KadIpDiversity}), so
 * the ten peers on 127.0.0.1 all fit the routing tables.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KadInteropIT {
    private static final Logger log = LoggerFactory.getLogger(KadInteropIT.class);
    private static final int EACH = 5;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final KadConfig CONFIG =
            KadConfig.defaults().withRequestTimeout(Duration.ofSeconds(5)).withLookupTimeout(Duration.ofSeconds(30));

    private final Random random = new Random();
    private final List<ServentPeer> servents = new ArrayList<>();
    private final List<KadDht> dhts = new ArrayList<>();
    private final List<JsPeer> js = new ArrayList<>();

    @BeforeAll
    void formOneNetwork() throws Exception {
        for (int i = 0; i < EACH; i++) {
            ServentPeer s = ServentPeer.start();
            servents.add(s);
            dhts.add(KadDht.start(s.host(), CONFIG));
            js.add(JsPeer.start(JsPeerConfig.defaults().withServices("kad-dht")));
        }
        Multiaddr servent0 = servents.get(0).addr();
        Multiaddr js0 = js.get(0).addr();
        for (JsPeer j : js) {
            j.dial(servent0);
            if (j != js.get(0)) {
                j.dial(js0);
            }
        }
        dhts.get(0).bootstrap(List.of(js0));
        for (int i = 1; i < EACH; i++) {
            dhts.get(i).bootstrap(List.of(servent0, js0));
        }
        // js adds a peer to its table once identify shows the protocol and a ping answers; then a
        // self-lookup on each side fills the tables with the rest.
        Await.until(WAIT, () -> js.stream().allMatch(j -> routingTable(j).size() >= 2), "every js table has peers");
        for (JsPeer j : js) {
            j.call(
                    "kad-closest",
                    Map.of("key", HexFormat.of().formatHex(j.peerId().bytes())),
                    WAIT);
        }
        for (KadDht dht : dhts) {
            dht.bootstrap(List.of());
        }
        for (int i = 0; i < EACH; i++) {
            log.info(
                    "servent {} table {}, js {} table {}",
                    servents.get(i).peerId().shortString(),
                    dhts.get(i).routingTableSize(),
                    js.get(i).peerId().shortString(),
                    routingTable(js.get(i)).size());
        }
    }

    @AfterAll
    void close() {
        dhts.forEach(KadDht::close);
        servents.forEach(ServentPeer::close);
        js.forEach(JsPeer::close);
    }

    private static List<PeerId> routingTable(JsPeer j) {
        JsonNode table = j.call("kad-routing-table", Map.of(), WAIT);
        return StreamSupport.stream(table.path("peers").spliterator(), false)
                .map(p -> PeerId.parse(p.asText()))
                .toList();
    }

    private List<PeerId> everyone() {
        List<PeerId> all = new ArrayList<>();
        servents.forEach(s -> all.add(s.peerId()));
        js.forEach(j -> all.add(j.peerId()));
        return all;
    }

    /** The loopback addresses a peer listens on, without /p2p/. */
    private List<Multiaddr> listenAddresses(PeerId peer) {
        for (ServentPeer s : servents) {
            if (s.peerId().equals(peer)) {
                return s.host().listenAddresses();
            }
        }
        for (JsPeer j : js) {
            if (j.peerId().equals(peer)) {
                return j.addrs().stream().map(Multiaddr::withoutPeerId).toList();
            }
        }
        throw new IllegalArgumentException("not in this network: " + peer);
    }

    @Test
    void routingTablesMixBothImplementations() {
        List<PeerId> jsIds = js.stream().map(JsPeer::peerId).toList();
        List<PeerId> serventIds = servents.stream().map(ServentPeer::peerId).toList();
        for (KadDht dht : dhts) {
            assertThat(dht.routingTable()).as("a servent table").containsAnyElementsOf(jsIds);
        }
        for (JsPeer j : js) {
            assertThat(routingTable(j)).as("the table of js %s", j.peerId()).containsAnyElementsOf(serventIds);
        }
    }

    @Test
    void everyPeerFindsEveryOther() throws Exception {
        List<Integer> hops = new ArrayList<>();
        List<Long> serventMillis = new ArrayList<>();
        for (int i = 0; i < EACH; i++) {
            KadDht dht = dhts.get(i);
            for (PeerId target : everyone()) {
                if (target.equals(servents.get(i).peerId())) {
                    continue;
                }
                Optional<KadPeer> found = dht.findPeer(target);
                assertThat(found).as("servent finds %s", target).isPresent();
                assertThat(found.get().addresses()).containsAnyElementsOf(listenAddresses(target));
                // A real lookup, whether connected or not: it must end at the target itself.
                KadLookupResult lookup = dht.closestPeers(target.bytes());
                assertThat(lookup.closest())
                        .as("servent lookup for %s", target)
                        .first()
                        .isEqualTo(target);
                hops.add(lookup.stats().hops());
                serventMillis.add(lookup.elapsed().toMillis());
            }
        }
        List<Double> jsMillis = new ArrayList<>();
        List<Integer> jsQueries = new ArrayList<>();
        for (JsPeer j : js) {
            for (PeerId target : everyone()) {
                if (target.equals(j.peerId())) {
                    continue;
                }
                JsonNode found = j.call("kad-find-peer", Map.of("peer", target.toString()), WAIT);
                List<Multiaddr> addrs = StreamSupport.stream(found.path("addrs").spliterator(), false)
                        .map(a -> Multiaddr.parse(a.asText()).withoutPeerId())
                        .toList();
                assertThat(addrs)
                        .as("js %s finds %s", j.peerId(), target)
                        .containsAnyElementsOf(listenAddresses(target));
                jsMillis.add(found.path("millis").asDouble());
                jsQueries.add(found.path("queries").asInt());
            }
        }
        hops.sort(null);
        serventMillis.sort(null);
        jsMillis.sort(null);
        jsQueries.sort(null);
        log.info(
                "servent lookups: hops median {} max {}, ms median {} max {}; js findPeer: queries median {} max {},"
                        + " ms median {} max {}",
                hops.get(hops.size() / 2),
                hops.getLast(),
                serventMillis.get(serventMillis.size() / 2),
                serventMillis.getLast(),
                jsQueries.get(jsQueries.size() / 2),
                jsQueries.getLast(),
                Math.round(jsMillis.get(jsMillis.size() / 2)),
                Math.round(jsMillis.getLast()));
    }

    @Test
    void providersCrossImplementations() throws Exception {
        // servent provides, everyone finds it.
        ServentPeer provider = servents.get(1);
        Cid fromServent = randomCid();
        assertThat(dhts.get(1).provide(fromServent)).isPositive();
        for (JsPeer j : js) {
            JsonNode providers = j.call("kad-find-providers", Map.of("cid", fromServent.toString(), "max", 1), WAIT);
            assertThat(providers.path("providers"))
                    .as("js %s finds the servent provider", j.peerId())
                    .anySatisfy(p -> {
                        assertThat(p.path("peer").asText())
                                .isEqualTo(provider.peerId().toString());
                        assertThat(p.path("addrs")).isNotEmpty();
                    });
        }
        for (KadDht dht : dhts.subList(2, EACH)) {
            assertThat(dht.findProviders(fromServent, 1))
                    .extracting(KadPeer::id)
                    .containsExactly(provider.peerId());
        }

        // js provides, everyone finds it.
        JsPeer jsProvider = js.get(2);
        Cid fromJs = randomCid();
        JsonNode provided = jsProvider.call("kad-provide", Map.of("cid", fromJs.toString()), WAIT);
        log.info("js provide sent ADD_PROVIDER to {}", provided.path("peers"));
        for (KadDht dht : dhts) {
            List<KadPeer> found = dht.findProviders(fromJs, 1);
            assertThat(found)
                    .as("servent finds the js provider")
                    .singleElement()
                    .satisfies(p -> {
                        assertThat(p.id()).isEqualTo(jsProvider.peerId());
                        assertThat(p.addresses()).containsAnyElementsOf(listenAddresses(jsProvider.peerId()));
                    });
        }
        for (JsPeer j : js) {
            if (j != jsProvider) {
                JsonNode providers = j.call("kad-find-providers", Map.of("cid", fromJs.toString(), "max", 1), WAIT);
                assertThat(providers.path("providers").get(0).path("peer").asText())
                        .isEqualTo(jsProvider.peerId().toString());
            }
        }
    }

    @Test
    void publicKeyRecordsCrossImplementations() throws Exception {
        // servent puts the record of an RSA key; js reads it.
        byte[] serventKey = rsaPublicKeyProtobuf();
        byte[] key1 = KadPublicKeyValidator.key(
                PeerId.fromBytes(Multihash.sha256(serventKey).bytes()));
        int stored = dhts.get(3).putValue(key1, serventKey);
        log.info("servent PUT_VALUE stored at {} peers", stored);
        assertThat(stored).isGreaterThanOrEqualTo(EACH);
        for (JsPeer j : js) {
            JsonNode got = j.call("kad-get", Map.of("key", HexFormat.of().formatHex(key1)), WAIT);
            assertThat(HexFormat.of().parseHex(got.path("value").asText())).isEqualTo(serventKey);
            assertThat(got.path("from")).isNotEmpty();
        }

        // js puts the record of another RSA key; servent reads it.
        byte[] jsKey = rsaPublicKeyProtobuf();
        PeerId jsKeyId = PeerId.fromBytes(Multihash.sha256(jsKey).bytes());
        byte[] key2 = KadPublicKeyValidator.key(jsKeyId);
        JsonNode put = js.get(3)
                .call(
                        "kad-put",
                        Map.of(
                                "key",
                                HexFormat.of().formatHex(key2),
                                "value",
                                HexFormat.of().formatHex(jsKey)),
                        WAIT);
        List<PeerId> confirmedBy = StreamSupport.stream(put.path("peers").spliterator(), false)
                .map(p -> PeerId.parse(p.asText()))
                .toList();
        log.info("js PUT_VALUE confirmed by {}", confirmedBy);
        assertThat(confirmedBy)
                .as("servent peers accept a js PUT_VALUE")
                .containsAnyElementsOf(
                        servents.stream().map(ServentPeer::peerId).toList());
        for (KadDht dht : dhts) {
            assertThat(dht.getValue(key2)).as("servent reads the js record").hasValueSatisfying(v -> assertThat(v)
                    .isEqualTo(jsKey));
        }
    }

    private Cid randomCid() {
        byte[] block = new byte[64];
        random.nextBytes(block);
        return Cid.v1(Cid.RAW, Multihash.sha256(block));
    }

    /** A libp2p PublicKey protobuf of a fresh RSA key: Type = RSA (0), Data = the PKIX DER. */
    private static byte[] rsaPublicKeyProtobuf() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] der = generator.generateKeyPair().getPublic().getEncoded();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x08);
        out.write(0x00);
        out.write(0x12);
        out.writeBytes(Varint.encode(der.length));
        out.writeBytes(der);
        return out.toByteArray();
    }
}
