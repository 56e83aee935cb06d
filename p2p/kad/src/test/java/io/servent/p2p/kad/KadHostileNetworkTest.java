package io.servent.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Stream;
import io.servent.p2p.api.Varint;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.identify.IdentifyService;
import io.servent.p2p.kad.proto.KadProto.Message;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * L2 with liars: hosts that advertise the DHT protocol (so they get into routing tables) but answer
 * garbage, the wrong type, floods of fake peers, oversize frames, dribble bytes, or nothing at all.
 * Lookups must still end quickly and correctly, and the liars must be cut from the tables.
 */
@Timeout(240)
class KadHostileNetworkTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final KadConfig CONFIG = KadConfig.defaults()
            .withRequestTimeout(REQUEST_TIMEOUT)
            .withLookupTimeout(Duration.ofSeconds(20))
            .withIpDiversity(KadIpDiversity.unlimited());

    enum Behaviour {
        SILENT,
        GARBAGE,
        WRONG_TYPE,
        FLOOD,
        OVERSIZE,
        DRIBBLE
    }

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private final KadTestNetwork net = new KadTestNetwork();
    private final List<IdentifyService> identifies = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        identifies.forEach(IdentifyService::close);
        net.close();
    }

    private BasicHost liar(Behaviour behaviour) throws IOException {
        BasicHost host = net.host(h -> h.setStreamHandler(KadDht.PROTOCOL_ID, s -> misbehave(s, behaviour)));
        identifies.add(new IdentifyService(host, "liar/" + behaviour));
        return host;
    }

    private void misbehave(Stream stream, Behaviour behaviour) throws IOException, InterruptedException {
        InputStream in = stream.in();
        OutputStream out = stream.out();
        Message request = Message.parseFrom(LengthPrefixed.readRequired(in, 1 << 16));
        switch (behaviour) {
            case SILENT -> {
                while (in.read() >= 0) {
                    // hold the stream until the asker gives up
                }
            }
            case GARBAGE -> {
                byte[] junk = new byte[200];
                random.nextBytes(junk);
                junk[0] = (byte) 0xff;
                LengthPrefixed.write(out, junk);
            }
            case WRONG_TYPE ->
                LengthPrefixed.write(
                        out,
                        Message.newBuilder()
                                .setType(Message.MessageType.PING)
                                .build()
                                .toByteArray());
            case FLOOD -> {
                Message.Builder response = Message.newBuilder().setType(request.getType());
                for (int i = 0; i < 5000; i++) {
                    response.addCloserPeers(Message.Peer.newBuilder()
                            .setId(ByteString.copyFrom(TestPeers.random(random).bytes())));
                }
                LengthPrefixed.write(out, response.build().toByteArray());
            }
            case OVERSIZE -> out.write(Varint.encode(100L << 20));
            case DRIBBLE -> {
                byte[] response = Message.newBuilder()
                        .setType(request.getType())
                        .setKey(ByteString.copyFrom(new byte[512]))
                        .build()
                        .toByteArray();
                out.write(Varint.encode(response.length));
                for (byte b : response) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(200); // each byte within the read timeout, the whole far beyond it
                }
            }
        }
        out.flush();
        stream.closeWrite();
        while (in.read() >= 0) {
            // let the asker close first
        }
    }

    @Test
    void liarsNeitherStallNorSpoilLookups() throws Exception {
        System.out.println("KadHostileNetworkTest seed " + seed);
        List<KadTestNetwork.Node> honest = net.start(40, CONFIG);
        List<BasicHost> liars = new ArrayList<>();
        for (Behaviour b : Behaviour.values()) {
            for (int i = 0; i < 2; i++) {
                liars.add(liar(b));
            }
        }
        List<io.servent.p2p.api.Multiaddr> entry = new ArrayList<>();
        entry.add(honest.get(0).address());
        liars.forEach(l -> entry.add(l.listenAddresses().get(0).withPeerId(l.peerId())));
        List<PeerId> liarIds = liars.stream().map(BasicHost::peerId).toList();
        // Flooders answer well-formed responses (with useless peers), so they may rank among the closest.
        List<PeerId> broken = new ArrayList<>();
        for (int i = 0; i < liars.size(); i++) {
            if (Behaviour.values()[i / 2] != Behaviour.FLOOD) {
                broken.add(liarIds.get(i));
            }
        }

        try (LogCapture log = new LogCapture(KadDht.class);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long joinStart = System.nanoTime();
            List<Future<Integer>> joins = new ArrayList<>();
            for (KadTestNetwork.Node node : honest.subList(1, honest.size())) {
                joins.add(pool.submit(() -> node.dht().bootstrap(entry)));
            }
            for (Future<Integer> join : joins) {
                join.get();
            }
            System.out.printf(
                    "40 honest nodes and %d liars joined in %d ms%n",
                    liars.size(), (System.nanoTime() - joinStart) / 1_000_000);

            // Every liar got into some routing table (they advertise the protocol), so lookups meet them.
            long liarEntries = honest.stream()
                    .mapToLong(n -> n.dht().routingTable().stream()
                            .filter(broken::contains)
                            .count())
                    .sum();
            System.out.println("entries of broken liars in honest tables after joining: " + liarEntries);

            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                KadTestNetwork.Node from = honest.get(random.nextInt(honest.size()));
                KadTestNetwork.Node to = honest.get(random.nextInt(honest.size()));
                if (from == to) {
                    continue;
                }
                KadLookupResult result =
                        from.dht().closestPeers(to.host().peerId().bytes());
                assertThat(result.closest())
                        .as("seed %d", seed)
                        .first()
                        .isEqualTo(to.host().peerId());
                assertThat(result.closest()).doesNotContainAnyElementsOf(broken);
                millis.add(result.elapsed().toMillis());
            }
            millis.sort(null);
            System.out.printf(
                    "lookups among liars: median %d ms, p90 %d ms, max %d ms%n",
                    millis.get(millis.size() / 2), millis.get(millis.size() * 9 / 10), millis.get(millis.size() - 1));
            // A silent or dribbling liar costs one request timeout; lookups never wait for the deadline.
            assertThat(millis.get(millis.size() - 1))
                    .isLessThan(CONFIG.lookupTimeout().toMillis() / 2);

            long after = honest.stream()
                    .mapToLong(n -> n.dht().routingTable().stream()
                            .filter(broken::contains)
                            .count())
                    .sum();
            System.out.println("entries of broken liars in honest tables after the lookups: " + after);
            assertThat(after).isLessThan(liarEntries);
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("malformed FIND_NODE response"));
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("answered FIND_NODE with PING"));
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("exceeds the limit of 4194304 bytes"));
        }
    }
}
