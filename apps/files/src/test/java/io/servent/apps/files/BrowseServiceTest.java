package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.servent.apps.files.proto.BrowseProto;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.api.Varint;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Browsing over real hosts (TCP, Noise, Yamux on loopback). */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BrowseServiceTest {
    @TempDir
    Path tmp;

    final List<BasicHost> hosts = new ArrayList<>();
    FilesDatabase db;
    ShareIndexer indexer;
    BasicHost server;
    BasicHost alice;
    BasicHost eve;
    ShareIndex serverIndex;
    BrowseService serverBrowse;
    BrowseService aliceBrowse;
    BrowseService eveBrowse;

    @BeforeEach
    void start() throws IOException {
        server = host();
        alice = host();
        eve = host();
        db = FilesDatabase.open(tmp.resolve("server/files.db"));
        ShareIndex index = new ShareIndex(db);
        serverIndex = index;
        indexer = new ShareIndexer(index, ShareIndexerTest.LAYOUT, 2);
        Path pub = Files.createDirectories(tmp.resolve("Public"));
        Path friends = Files.createDirectories(tmp.resolve("Friends"));
        for (int i = 0; i < 1200; i++) {
            ShareIndexerTest.write(
                    pub.resolve("dir" + (i % 10) + "/track " + i + ".ogg"),
                    ("t" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        ShareIndexerTest.write(
                friends.resolve("secret plans.txt"), "plans".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        indexer.scan(index.addShare(pub, ShareAccess.everyone()));
        indexer.scan(index.addShare(friends, ShareAccess.peers(alice.peerId())));
        serverBrowse = new BrowseService(server, index);
        FilesDatabase empty = FilesDatabase.open(tmp.resolve("client/files.db"));
        aliceBrowse = new BrowseService(alice, new ShareIndex(empty));
        eveBrowse = new BrowseService(eve, new ShareIndex(empty));
        alice.connect(addressOf(server));
        eve.connect(addressOf(server));
    }

    @AfterEach
    void stop() {
        hosts.forEach(BasicHost::close);
        indexer.close();
        db.close();
    }

    private BasicHost host() throws IOException {
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults().withListenAddresses(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))))
                .build();
        hosts.add(host);
        host.start();
        return host;
    }

    private static Multiaddr addressOf(BasicHost host) {
        return host.listenAddresses().get(0).withPeerId(host.peerId());
    }

    @Test
    void browseListsWhatThePeerSharesWithUsInPages() throws IOException {
        List<BrowseEntry> forAlice = aliceBrowse.browse(server.peerId());
        assertThat(forAlice).hasSize(1201);
        assertThat(forAlice)
                .extracting(BrowseEntry::path)
                .contains("Friends/secret plans.txt", "Public/dir3/track 3.ogg");
        assertThat(forAlice).extracting(BrowseEntry::id).isSorted().doesNotHaveDuplicates();
        BrowseEntry plans = forAlice.stream()
                .filter(e -> e.path().endsWith("plans.txt"))
                .findFirst()
                .orElseThrow();
        assertThat(plans.root())
                .isEqualTo(UnixFs.rawLeaf("plans".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .cid());
        assertThat(plans.size()).isEqualTo(5);

        List<BrowseEntry> forEve = eveBrowse.browse(server.peerId());
        assertThat(forEve).hasSize(1200);
        assertThat(forEve).extracting(BrowseEntry::path).noneMatch(p -> p.startsWith("Friends/"));

        BrowsePage first = eveBrowse.page(server.peerId(), 0, 100);
        assertThat(first.entries()).hasSize(100);
        assertThat(first.more()).isTrue();
        BrowsePage next =
                eveBrowse.page(server.peerId(), first.entries().get(99).id(), 100);
        assertThat(next.entries().get(0).id())
                .isGreaterThan(first.entries().get(99).id());
        // The server lists nothing of a peer that shares nothing.
        assertThat(serverBrowse.browse(alice.peerId())).isEmpty();
    }

    @Test
    void malformedAndOversizeRequestsAreRejectedAndLogged() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(BrowseService.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            // Oversize: a length prefix far past the request bound.
            Stream oversize = eve.newStream(server.peerId(), BrowseService.PROTOCOL_ID);
            sendUntilReset(() -> {
                Varint.write(1 << 20, oversize.out());
                oversize.out().write(new byte[100]);
                oversize.out().flush();
            });
            assertThat(readToEndOrReset(oversize)).isZero();
            // Malformed: bytes that are no BrowseRequest.
            Stream garbage = eve.newStream(server.peerId(), BrowseService.PROTOCOL_ID);
            sendUntilReset(() -> {
                LengthPrefixed.write(garbage.out(), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
                garbage.out().flush();
                garbage.closeWrite();
            });
            assertThat(readToEndOrReset(garbage)).isZero();
            ShareIndexerTest.await(() -> appender.list.size() >= 2);
            assertThat(appender.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.contains("rejected a request from " + eve.peerId()) && m.contains("exceeds"))
                    .anyMatch(m -> m.contains("malformed browse request"));
            // The server is unharmed.
            assertThat(eveBrowse.page(server.peerId(), 0, 5).entries()).hasSize(5);
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void aPeerAskingTooFastIsRefused() throws IOException {
        serverBrowse.close();
        serverBrowse = new BrowseService(server, serverIndex, 0.5, 5);
        int served = 0;
        @org.jspecify.annotations.Nullable IOException refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            try {
                eveBrowse.page(server.peerId(), 0, 1);
                served++;
            } catch (IOException e) {
                refused = e;
            }
        }
        assertThat(refused).isNotNull();
        assertThat(served).isBetween(5, 20);
        // Another peer is not affected.
        assertThat(aliceBrowse.page(server.peerId(), 0, 1).entries()).hasSize(1);
    }

    @Test
    void hostilePagesAreRefusedByTheClient() throws IOException {
        BasicHost liar = host();
        eve.connect(addressOf(liar));
        byte[] cid = UnixFs.rawLeaf(new byte[1]).cid().bytes();
        List<BrowseProto.BrowseResponse> lies = List.of(
                // ids that go backwards (would make a client loop forever)
                BrowseProto.BrowseResponse.newBuilder()
                        .addEntries(entry(5, cid, "a"))
                        .addEntries(entry(4, cid, "b"))
                        .setMore(true)
                        .build(),
                // more entries than asked for
                BrowseProto.BrowseResponse.newBuilder()
                        .addEntries(entry(1, cid, "a"))
                        .addEntries(entry(2, cid, "b"))
                        .addEntries(entry(3, cid, "c"))
                        .build(),
                // a CID that is not one
                BrowseProto.BrowseResponse.newBuilder()
                        .addEntries(entry(1, new byte[] {1, 2, 3}, "a"))
                        .build(),
                // an empty path
                BrowseProto.BrowseResponse.newBuilder()
                        .addEntries(entry(1, cid, ""))
                        .build());
        for (BrowseProto.BrowseResponse lie : lies) {
            liar.setStreamHandler(BrowseService.PROTOCOL_ID, stream -> {
                LengthPrefixed.readRequired(stream.in(), 100);
                LengthPrefixed.write(stream.out(), lie.toByteArray());
                stream.out().flush();
                stream.closeWrite();
            });
            assertThatThrownBy(() -> eveBrowse.page(liar.peerId(), 0, 2))
                    .isInstanceOf(ProtocolViolationException.class)
                    .hasMessageContaining(liar.peerId().toString());
        }
        // An oversize page is refused before it is read.
        liar.setStreamHandler(BrowseService.PROTOCOL_ID, stream -> {
            LengthPrefixed.readRequired(stream.in(), 100);
            Varint.write(BrowseService.MAX_RESPONSE_BYTES + 1, stream.out());
            stream.out().flush();
        });
        assertThatThrownBy(() -> eveBrowse.page(liar.peerId(), 0, 2))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("exceeds");
    }

    private static BrowseProto.BrowseEntry entry(long id, byte[] cid, String path) {
        return BrowseProto.BrowseEntry.newBuilder()
                .setId(id)
                .setRoot(ByteString.copyFrom(cid))
                .setPath(path)
                .setSize(1)
                .build();
    }

    interface Send {
        void run() throws IOException;
    }

    /** The server may reset the stream while we are still writing: that is the rejection we expect. */
    private static void sendUntilReset(Send send) {
        try {
            send.run();
        } catch (IOException e) {
            assertThat(e).isInstanceOf(io.servent.p2p.api.StreamResetException.class);
        }
    }

    /** Bytes the server sent before it ended or reset the stream. */
    private static int readToEndOrReset(Stream stream) {
        try {
            return stream.in().readAllBytes().length;
        } catch (IOException e) {
            return 0;
        }
    }
}
