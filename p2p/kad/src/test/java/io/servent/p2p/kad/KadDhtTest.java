package io.servent.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PrivateKey;
import io.servent.p2p.api.Stream;
import io.servent.p2p.api.Varint;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.kad.proto.KadProto;
import io.servent.p2p.kad.proto.KadProto.Message;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A few real hosts: what a server answers and refuses, client and server mode, shutdown. */
@Timeout(60)
class KadDhtTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final KadTestNetwork net = new KadTestNetwork();

    @AfterEach
    void close() {
        net.close();
    }

    private Stream rawStream(KadTestNetwork.Node server) throws IOException {
        BasicHost client = net.host(h -> {});
        client.connect(server.address());
        Stream stream = client.newStream(server.host().peerId(), KadDht.PROTOCOL_ID);
        stream.setReadTimeout(WAIT);
        return stream;
    }

    private static Message exchange(Stream stream, Message request) throws IOException {
        LengthPrefixed.write(stream.out(), request.toByteArray());
        stream.out().flush();
        return Message.parseFrom(LengthPrefixed.readRequired(stream.in(), 4 << 20));
    }

    /** Reads until the server resets or ends the stream; fails if it does neither. */
    private static void assertCutOff(Stream stream) {
        InputStream in = stream.in();
        assertThatThrownBy(() -> {
                    while (in.read() >= 0) {
                        // discard
                    }
                    throw new IOException("ended");
                })
                .isInstanceOf(IOException.class);
    }

    @Test
    void oversizeMalformedAndUnknownRequestsAreRefusedWithAReason() throws Exception {
        KadTestNetwork.Node server = net.start(KadConfig.defaults());
        try (LogCapture log = new LogCapture(KadDht.class)) {
            Stream oversize = rawStream(server);
            oversize.out().write(Varint.encode(10L << 20));
            oversize.out().flush();
            assertCutOff(oversize);
            Await.until(
                    WAIT,
                    () -> log.contains("message of 10485760 bytes exceeds the limit of 65536 bytes"),
                    "the oversize request is logged");

            Stream garbage = rawStream(server);
            LengthPrefixed.write(garbage.out(), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
            garbage.out().flush();
            assertCutOff(garbage);
            Await.until(WAIT, () -> log.contains("malformed request"), "the malformed request is logged");

            Stream unknown = rawStream(server);
            LengthPrefixed.write(
                    unknown.out(), Message.newBuilder().setTypeValue(42).build().toByteArray());
            unknown.out().flush();
            assertCutOff(unknown);
            Await.until(WAIT, () -> log.contains("unknown message type 42"), "the unknown type is logged");

            Stream keyless = rawStream(server);
            LengthPrefixed.write(
                    keyless.out(),
                    KadMessages.request(Message.MessageType.GET_VALUE, new byte[0])
                            .toByteArray());
            keyless.out().flush();
            assertCutOff(keyless);
            Await.until(WAIT, () -> log.contains("GET_VALUE request without a key"), "the keyless GET is logged");
            System.out.println(log.messages());
        }
        // The server still answers well-formed requests, several on one stream (as go-libp2p sends them).
        Stream good = rawStream(server);
        for (int i = 0; i < 3; i++) {
            Message response = exchange(
                    good,
                    KadMessages.request(
                            Message.MessageType.FIND_NODE,
                            server.host().peerId().bytes()));
            assertThat(response.getType()).isEqualTo(Message.MessageType.FIND_NODE);
            assertThat(response.getCloserPeersList()).singleElement().satisfies(p -> assertThat(
                            p.getId().toByteArray())
                    .isEqualTo(server.host().peerId().bytes()));
        }
        Message pong = exchange(
                good, Message.newBuilder().setType(Message.MessageType.PING).build());
        assertThat(pong.getType()).isEqualTo(Message.MessageType.PING);
    }

    @Test
    void invalidRecordsAreRejectedWithAClearLogAndNotStored() throws Exception {
        KadTestNetwork.Node server = net.start(KadConfig.defaults());
        PrivateKey alice = Ed25519PrivateKey.generate();
        PrivateKey mallory = Ed25519PrivateKey.generate();
        byte[] key = KadSignedRecord.key(alice.publicKey().peerId(), "name");
        byte[] forged = KadSignedRecord.create(
                key, 1, "evil".getBytes(StandardCharsets.UTF_8), alice.publicKey(), mallory::sign);
        Message put = Message.newBuilder()
                .setType(Message.MessageType.PUT_VALUE)
                .setKey(ByteString.copyFrom(key))
                .setRecord(KadProto.Record.newBuilder()
                        .setKey(ByteString.copyFrom(key))
                        .setValue(ByteString.copyFrom(forged)))
                .build();
        try (LogCapture log = new LogCapture(KadDht.class)) {
            Stream stream = rawStream(server);
            LengthPrefixed.write(stream.out(), put.toByteArray());
            stream.out().flush();
            assertCutOff(stream);
            Await.until(
                    WAIT,
                    () -> log.contains("rejected PUT_VALUE of /servent/"
                            + alice.publicKey().peerId() + "/name: signed record for"),
                    "the forged record is logged");
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("does not verify (forged or altered)"));

            byte[] good = KadSignedRecord.create(
                    key, 5, "v5".getBytes(StandardCharsets.UTF_8), alice.publicKey(), alice::sign);
            byte[] stale = KadSignedRecord.create(
                    key, 4, "v4".getBytes(StandardCharsets.UTF_8), alice.publicKey(), alice::sign);
            Stream ok = rawStream(server);
            Message echoed = exchange(
                    ok,
                    put.toBuilder()
                            .setRecord(put.getRecord().toBuilder().setValue(ByteString.copyFrom(good)))
                            .build());
            assertThat(echoed.getRecord().getValue().toByteArray()).isEqualTo(good);
            Stream old = rawStream(server);
            LengthPrefixed.write(
                    old.out(),
                    put.toBuilder()
                            .setRecord(put.getRecord().toBuilder().setValue(ByteString.copyFrom(stale)))
                            .build()
                            .toByteArray());
            old.out().flush();
            assertCutOff(old);
            Await.until(
                    WAIT,
                    () -> log.contains("sequence number 4 is not newer than the stored 5"),
                    "the stale record is logged");
        }
        Message got = exchange(rawStream(server), KadMessages.request(Message.MessageType.GET_VALUE, key));
        assertThat(KadSignedRecord.decode(key, got.getRecord().getValue().toByteArray())
                        .seq())
                .isEqualTo(5);
        assertThat(got.getRecord().getTimeReceived()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
    }

    @Test
    void aPeerCanOnlyAnnounceItselfAsAProvider() throws Exception {
        KadTestNetwork.Node server = net.start(KadConfig.defaults());
        byte[] mh = Multihash.sha256("content".getBytes(StandardCharsets.UTF_8)).bytes();
        PeerId someoneElse = PeerId.random();
        Stream stream = rawStream(server);
        PeerId sender = stream.connection().localPeer();
        Message add = Message.newBuilder()
                .setType(Message.MessageType.ADD_PROVIDER)
                .setKey(ByteString.copyFrom(mh))
                .addProviderPeers(KadMessages.peer(someoneElse, List.of(KadTestNetwork.MEMORY), 4))
                .build();
        LengthPrefixed.write(stream.out(), add.toByteArray());
        LengthPrefixed.write(
                stream.out(),
                add.toBuilder()
                        .clearProviderPeers()
                        .addProviderPeers(KadMessages.peer(sender, List.of(), 4))
                        .build()
                        .toByteArray());
        stream.out().flush();
        Message providers = exchange(stream, KadMessages.request(Message.MessageType.GET_PROVIDERS, mh));
        assertThat(providers.getProviderPeersList())
                .extracting(p -> PeerId.fromBytes(p.getId().toByteArray()))
                .containsExactly(sender);
        // A key that is not a multihash is refused.
        try (LogCapture log = new LogCapture(KadDht.class)) {
            Stream bad = rawStream(server);
            LengthPrefixed.write(
                    bad.out(),
                    KadMessages.request(Message.MessageType.GET_PROVIDERS, new byte[] {1, 2, 3})
                            .toByteArray());
            bad.out().flush();
            assertCutOff(bad);
            Await.until(WAIT, () -> log.contains("GET_PROVIDERS key is not a multihash"), "the bad key is logged");
        }
    }

    @Test
    void clientsQueryButStayOutOfRoutingTablesUntilTheyServe() throws Exception {
        List<KadTestNetwork.Node> servers = net.start(4, KadConfig.defaults());
        for (KadTestNetwork.Node s : servers.subList(1, 4)) {
            s.dht().bootstrap(List.of(servers.get(0).address()));
        }
        KadTestNetwork.Node client = net.start(KadConfig.defaults().withMode(KadMode.CLIENT));
        client.dht().bootstrap(List.of(servers.get(0).address()));
        PeerId clientId = client.host().peerId();

        assertThat(client.dht().routingTable()).hasSize(4);
        assertThat(client.host().protocols()).doesNotContain(KadDht.PROTOCOL_ID);
        for (KadTestNetwork.Node s : servers) {
            assertThat(s.dht().routingTable()).doesNotContain(clientId);
        }
        // A client still finds peers, and publishes and reads values.
        assertThat(client.dht().findPeer(servers.get(3).host().peerId())).isPresent();
        byte[] key = KadSignedRecord.key(clientId, "hello");
        byte[] value = KadSignedRecord.create(client.host(), "hello", 1, new byte[] {1});
        assertThat(client.dht().putValue(key, value)).isEqualTo(4);
        assertThat(servers.get(2).dht().getValue(key))
                .hasValueSatisfying(v -> assertThat(v).isEqualTo(value));

        client.dht().setMode(KadMode.SERVER);
        Await.until(
                WAIT,
                () -> servers.stream().allMatch(s -> s.dht().routingTable().contains(clientId)),
                "every server added the client once it serves");
        client.dht().setMode(KadMode.CLIENT);
        Await.until(
                WAIT,
                () -> servers.stream().noneMatch(s -> s.dht().routingTable().contains(clientId)),
                "every server dropped it when it went back to client mode");
    }

    @Test
    void findPeerOfAnUnknownPeerEndsEmpty() throws Exception {
        List<KadTestNetwork.Node> nodes = net.start(5, KadConfig.defaults());
        for (KadTestNetwork.Node n : nodes.subList(1, 5)) {
            n.dht().bootstrap(List.of(nodes.get(0).address()));
        }
        assertThat(nodes.get(3).dht().findPeer(PeerId.random())).isEmpty();
        Cid nobody = Cid.v1(Cid.RAW, Multihash.sha256(new byte[] {9}));
        assertThat(nodes.get(2).dht().findProviders(nobody, 3)).isEmpty();
        // A hashed (RSA-style) PeerId: its key cannot be derived from the id, and nobody stored it.
        PeerId hashed = TestPeers.random(new java.util.Random());
        assertThat(nodes.get(1).dht().getValue(KadPublicKeyValidator.key(hashed)))
                .isEmpty();
        // An Ed25519 PeerId inlines its key, so any server answers /pk/ for it (as js-libp2p does).
        PeerId inlined = PeerId.random();
        assertThat(nodes.get(1).dht().getValue(KadPublicKeyValidator.key(inlined)))
                .hasValueSatisfying(v -> assertThat(v)
                        .isEqualTo(inlined.publicKey().orElseThrow().marshal()));
        assertThatThrownBy(() -> nodes.get(1).dht().getValue("/nope/x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> nodes.get(1)
                        .dht()
                        .putValue(
                                KadPublicKeyValidator.key(PeerId.random()),
                                nodes.get(1).host().publicKey().marshal()))
                .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void aPublicKeyIsServedFromWhatIdentifyLearned() throws Exception {
        List<KadTestNetwork.Node> nodes = net.start(2, KadConfig.defaults());
        nodes.get(1).dht().bootstrap(List.of(nodes.get(0).address()));
        PeerId owner = nodes.get(1).host().peerId();
        Message response = exchange(
                rawStream(nodes.get(0)),
                KadMessages.request(Message.MessageType.GET_VALUE, KadPublicKeyValidator.key(owner)));
        assertThat(response.getRecord().getValue().toByteArray())
                .isEqualTo(nodes.get(1).host().publicKey().marshal());
    }

    @Test
    void closeStopsServingAndEndsEveryThread() throws Exception {
        List<KadTestNetwork.Node> nodes = net.start(3, KadConfig.defaults());
        nodes.get(1).dht().bootstrap(List.of(nodes.get(0).address()));
        nodes.get(2).dht().bootstrap(List.of(nodes.get(0).address()));
        KadDht dht = nodes.get(0).dht();
        dht.close();
        assertThat(dht.isTerminated()).isTrue();
        assertThat(nodes.get(0).host().protocols()).doesNotContain(KadDht.PROTOCOL_ID);
        assertThatThrownBy(() -> dht.closestPeers(new byte[] {1})).isInstanceOf(IOException.class);
        Optional<KadPeer> found =
                nodes.get(1).dht().findPeer(nodes.get(2).host().peerId());
        assertThat(found).isPresent();
    }
}
