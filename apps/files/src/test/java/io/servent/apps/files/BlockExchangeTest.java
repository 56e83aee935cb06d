package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Stream;
import io.servent.p2p.api.Varint;
import io.servent.p2p.host.BasicHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The serving side of the block protocol against scripted (and hostile) clients over real hosts. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BlockExchangeTest {
    @TempDir
    Path tmp;

    SwarmNet net;
    SwarmNet.Seeder seeder;
    BasicHost client;
    byte[] content;
    UnixFsFile dag;

    @BeforeEach
    void setUp() throws IOException {
        net = new SwarmNet(tmp);
        content = SwarmNet.randomBytes(3 << 20, 7);
        Path file = Files.createDirectories(tmp.resolve("share")).resolve("a.bin");
        Files.write(file, content);
        dag = UnixFsBuilder.build(content, SwarmNet.LAYOUT, UnixFsBuilder.DISCARD);
        client = net.host();
        seeder = net.new Seeder("seed", file, ShareAccess.peers(client.peerId()));
        SwarmNet.introduce(client, seeder.host);
    }

    @AfterEach
    void tearDown() {
        net.close();
    }

    private Stream open(BasicHost from) throws IOException {
        SwarmNet.introduce(from, seeder.host);
        Stream s = from.newStream(seeder.host.peerId(), BlockExchange.PROTOCOL_ID);
        s.setReadTimeout(Duration.ofSeconds(10));
        return s;
    }

    private static void send(Stream s, BlockExchangeCodec.Request r) throws IOException {
        LengthPrefixed.write(s.out(), BlockExchangeCodec.encode(r));
        s.out().flush();
    }

    private static BlockExchangeCodec.Response read(Stream s) throws IOException {
        return BlockExchangeCodec.decodeResponse(
                LengthPrefixed.readRequired(s.in(), BlockExchangeCodec.MAX_RESPONSE_BYTES));
    }

    @Test
    void servesVerifiedBlocksBitfieldsAndPipelinedWants() throws IOException {
        Stream s = open(client);
        send(s, BlockExchangeCodec.Request.open(dag.root()));
        BlockExchangeCodec.Response bitfield = read(s);
        assertThat(bitfield.bitfield())
                .hasValueSatisfying(b -> assertThat(b.complete()).isTrue());
        assertThat(read(s).peers()).isPresent();

        List<Cid> wants = dag.leaves().stream().map(UnixFsLeaf::cid).toList();
        send(s, BlockExchangeCodec.Request.wantBlocks(wants));
        Cid missing = UnixFs.rawLeaf(new byte[] {9}).cid();
        send(s, BlockExchangeCodec.Request.wantBlocks(List.of(missing)));
        // Two senders serve a stream, so responses come in any order.
        List<Cid> got = new ArrayList<>();
        List<Cid> dontHave = new ArrayList<>();
        while (got.size() < wants.size() || dontHave.isEmpty()) {
            BlockExchangeCodec.Response r = read(s);
            r.block().ifPresent(b -> got.add(b.cid()));
            dontHave.addAll(r.dontHave());
            if (r.block().isPresent()) {
                BlockExchangeCodec.BlockData b = r.block().get();
                assertThat(Block.verify(b.cid(), b.data()).cid()).isEqualTo(b.cid());
            }
        }
        assertThat(got).containsExactlyInAnyOrderElementsOf(wants);
        assertThat(dontHave).containsExactly(missing);
        s.closeWrite();
        assertThat(LengthPrefixed.read(s.in(), 1024)).isEmpty();
    }

    @Test
    void aPeerOutsideTheAccessListLearnsNothing() throws IOException {
        BasicHost eve = net.host();
        Stream s = open(eve);
        send(s, BlockExchangeCodec.Request.open(dag.root()));
        BlockExchangeCodec.Bitfield b = read(s).bitfield().orElseThrow();
        assertThat(b.complete()).isFalse();
        assertThat(b.bits().isEmpty()).isTrue();
        read(s); // PEX: empty
        send(
                s,
                BlockExchangeCodec.Request.wantBlocks(
                        List.of(dag.root(), dag.leaves().get(0).cid())));
        List<Cid> dontHave = new ArrayList<>(read(s).dontHave());
        dontHave.addAll(read(s).dontHave());
        assertThat(dontHave).containsExactly(dag.root(), dag.leaves().get(0).cid());
    }

    @Test
    void malformedOversizeAndFloodingClientsAreResetAndLoggedOnce() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(BlockExchange.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            Stream garbage = open(client);
            garbage.out().write(new byte[] {5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            garbage.out().flush();
            assertReset(garbage);

            Stream oversize = open(client);
            Varint.write(BlockExchangeCodec.MAX_REQUEST_BYTES + 1, oversize.out());
            oversize.out().flush();
            assertReset(oversize);

            Stream badCid = open(client);
            LengthPrefixed.write(badCid.out(), new byte[] {0x0a, 3, 1, 2, 3}); // want_block: 3 bytes, not a CID
            badCid.out().flush();
            assertReset(badCid);

            // A server whose provider is stuck cannot drain its queue: the sixth queued want is one too many.
            java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
            BlockProvider slow = new BlockProvider() {
                @Override
                public Optional<Block> block(Cid cid, io.servent.p2p.api.PeerId requester) throws IOException {
                    try {
                        stuck.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Optional.empty();
                }

                @Override
                public boolean has(Cid cid, io.servent.p2p.api.PeerId requester) {
                    return false;
                }
            };
            BasicHost busy = net.host();
            BlockExchangeConfig tight =
                    new BlockExchangeConfig(4, 4, 1000, Long.MAX_VALUE, Long.MAX_VALUE, Duration.ofMinutes(1));
            new BlockExchange(busy, slow, BlockExchange.plainRoots(slow), tight);
            SwarmNet.introduce(client, busy);
            Stream flood = client.newStream(busy.peerId(), BlockExchange.PROTOCOL_ID);
            flood.setReadTimeout(Duration.ofSeconds(10));
            List<Cid> many = new ArrayList<>();
            for (int j = 0; j < 6; j++) {
                many.add(UnixFs.rawLeaf(new byte[] {(byte) j}).cid());
            }
            send(flood, BlockExchangeCodec.Request.wantBlocks(many.subList(0, 1)));
            send(flood, BlockExchangeCodec.Request.wantBlocks(many.subList(1, 6)));
            assertReset(flood);
            stuck.countDown();

            List<String> rejected = appender.list.stream()
                    .map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("rejected"))
                    .toList();
            assertThat(rejected).hasSize(4);
            assertThat(rejected).anySatisfy(m -> assertThat(m).contains("exceeds"));
            assertThat(rejected).anySatisfy(m -> assertThat(m).contains("bad CID"));
            assertThat(rejected).anySatisfy(m -> assertThat(m).contains("wants queued"));
            // The server is still fine.
            Stream fine = open(client);
            send(
                    fine,
                    BlockExchangeCodec.Request.wantBlocks(
                            List.of(dag.leaves().get(0).cid())));
            assertThat(read(fine).block()).isPresent();
        } finally {
            logger.detachAppender(appender);
        }
    }

    private static void assertReset(Stream s) {
        try {
            while (true) {
                Optional<byte[]> m = LengthPrefixed.read(s.in(), BlockExchangeCodec.MAX_RESPONSE_BYTES);
                if (m.isEmpty()) {
                    throw new AssertionError("stream closed cleanly instead of being reset");
                }
            }
        } catch (IOException expected) {
            // reset
        }
    }
}
