package io.servent.p2p.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.api.Varint;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.relay.proto.CircuitProto;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Malformed and unexpected messages on both sides of the hop and stop protocols get a clear status, never a hang. */
@Timeout(60)
class RelayBadInputTest {
    private final RelayNet net = new RelayNet();

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void theRelayAnswersBadHopRequestsWithAStatus() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults());
        BasicHost x = net.host();
        x.connect(r.address());
        PeerId relay = r.host().peerId();

        assertThat(hopStatus(x, relay, new byte[] {(byte) 0xff, (byte) 0xff, 0x01}))
                .isEqualTo(CircuitProto.Status.MALFORMED_MESSAGE);
        assertThat(hopStatus(x, relay, new byte[0])).as("no type").isEqualTo(CircuitProto.Status.MALFORMED_MESSAGE);
        assertThat(hopStatus(x, relay, hop(CircuitProto.HopMessage.Type.STATUS).toByteArray()))
                .isEqualTo(CircuitProto.Status.UNEXPECTED_MESSAGE);
        assertThat(hopStatus(x, relay, hop(CircuitProto.HopMessage.Type.CONNECT).toByteArray()))
                .as("no peer")
                .isEqualTo(CircuitProto.Status.MALFORMED_MESSAGE);
        byte[] badPeer = hop(CircuitProto.HopMessage.Type.CONNECT).toBuilder()
                .setPeer(CircuitProto.Peer.newBuilder().setId(ByteString.copyFromUtf8("not a peer id")))
                .build()
                .toByteArray();
        assertThat(hopStatus(x, relay, badPeer)).isEqualTo(CircuitProto.Status.MALFORMED_MESSAGE);
        CircuitProto.Peer.Builder manyAddresses = CircuitProto.Peer.newBuilder()
                .setId(ByteString.copyFrom(PeerId.random().bytes()));
        for (int i = 0; i <= CircuitRelay.MAX_ADDRESSES; i++) {
            manyAddresses.addAddrs(ByteString.copyFrom(r.address().bytes()));
        }
        byte[] tooMany = hop(CircuitProto.HopMessage.Type.CONNECT).toBuilder()
                .setPeer(manyAddresses)
                .build()
                .toByteArray();
        assertThat(hopStatus(x, relay, tooMany)).isEqualTo(CircuitProto.Status.MALFORMED_MESSAGE);
    }

    @Test
    void requestsOverARelayedConnectionAreDenied() throws Exception {
        RelayNet.Relay r1 = net.relay(RelayConfig.defaults().withLimit(RelayLimit.NONE));
        RelayNet.Peer r2 = net.peer();
        new RelayService(r2.host(), RelayConfig.defaults()).close(); // handlers come and go cleanly
        RelayService service = new RelayService(r2.host(), RelayConfig.defaults());
        try {
            var behindR1 = r2.host().listen(r1.circuit()).withPeerId(r2.host().peerId());
            RelayNet.Peer a = net.peer();
            var relayed = a.host().connect(behindR1);
            assertThat(RelayService.isRelayed(relayed)).isTrue();

            try (Stream stream = relayed.newStream(CircuitRelay.HOP_PROTOCOL_ID)) {
                stream.setReadTimeout(Duration.ofSeconds(10));
                CircuitMessages.write(stream, hop(CircuitProto.HopMessage.Type.RESERVE));
                assertThat(readHop(stream).getStatus()).isEqualTo(CircuitProto.Status.PERMISSION_DENIED);
            }
            assertThat(service.reservationCount()).isZero();
            assertThatThrownBy(() -> a.transport().reserve(behindR1))
                    .as("the client does not even ask")
                    .hasMessageContaining("relays do not chain");
        } finally {
            service.close();
        }
    }

    @Test
    void circuitsToOneselfAreRefusedOnBothSides() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults());
        RelayNet.Peer a = net.peer();
        a.host().listen(r.circuit());
        byte[] toSelf = hop(CircuitProto.HopMessage.Type.CONNECT).toBuilder()
                .setPeer(CircuitProto.Peer.newBuilder()
                        .setId(ByteString.copyFrom(a.host().peerId().bytes())))
                .build()
                .toByteArray();
        byte[] toRelay = hop(CircuitProto.HopMessage.Type.CONNECT).toBuilder()
                .setPeer(CircuitProto.Peer.newBuilder()
                        .setId(ByteString.copyFrom(r.host().peerId().bytes())))
                .build()
                .toByteArray();

        assertThat(hopStatus(a.host(), r.host().peerId(), toSelf)).isEqualTo(CircuitProto.Status.PERMISSION_DENIED);
        assertThat(hopStatus(a.host(), r.host().peerId(), toRelay)).isEqualTo(CircuitProto.Status.PERMISSION_DENIED);
        byte[] stopFromSelf = stop(CircuitProto.StopMessage.Type.CONNECT).toBuilder()
                .setPeer(CircuitProto.Peer.newBuilder()
                        .setId(ByteString.copyFrom(a.host().peerId().bytes())))
                .build()
                .toByteArray();
        assertThat(stopStatus(r.host(), a.host().peerId(), stopFromSelf))
                .isEqualTo(CircuitProto.Status.PERMISSION_DENIED);
        assertThat(r.service().circuitCount()).isZero();
    }

    @Test
    void theRelayRefusesAnOversizedRequestBeforeReadingIt() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults());
        BasicHost x = net.host();
        x.connect(r.address());
        try (Stream stream = x.newStream(r.host().peerId(), CircuitRelay.HOP_PROTOCOL_ID)) {
            stream.setReadTimeout(Duration.ofSeconds(10));
            Varint.write(1_000_000, stream.out());
            stream.out().flush();
            assertThat(readHop(stream).getStatus()).isEqualTo(CircuitProto.Status.MALFORMED_MESSAGE);
        }
    }

    @Test
    void theRelayGivesUpOnASilentClient() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults().withRequestTimeout(Duration.ofMillis(300)));
        BasicHost x = net.host();
        x.connect(r.address());
        try (Stream stream = x.newStream(r.host().peerId(), CircuitRelay.HOP_PROTOCOL_ID)) {
            stream.setReadTimeout(Duration.ofSeconds(10));
            Instant start = Instant.now();
            assertThatThrownBy(() -> stream.in().read()).isInstanceOf(IOException.class);
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aPeerAnswersBadStopRequestsWithAStatus() throws Exception {
        RelayNet.Relay r = net.relay(RelayConfig.defaults());
        RelayNet.Peer a = net.peer();
        a.host().listen(r.circuit());
        BasicHost x = net.host();
        x.connect(a.host().listenAddresses().get(0).withPeerId(a.host().peerId()));
        PeerId target = a.host().peerId();

        assertThat(stopStatus(x, target, new byte[] {0x08, (byte) 0x80}))
                .isEqualTo(CircuitProto.Status.MALFORMED_MESSAGE);
        assertThat(stopStatus(
                        x, target, stop(CircuitProto.StopMessage.Type.STATUS).toByteArray()))
                .isEqualTo(CircuitProto.Status.UNEXPECTED_MESSAGE);
        assertThat(stopStatus(
                        x, target, stop(CircuitProto.StopMessage.Type.CONNECT).toByteArray()))
                .as("no peer")
                .isEqualTo(CircuitProto.Status.MALFORMED_MESSAGE);
        byte[] connect = stop(CircuitProto.StopMessage.Type.CONNECT).toBuilder()
                .setPeer(CircuitProto.Peer.newBuilder()
                        .setId(ByteString.copyFrom(PeerId.random().bytes())))
                .build()
                .toByteArray();
        assertThat(stopStatus(x, target, connect))
                .as("x is not a relay A listens through")
                .isEqualTo(CircuitProto.Status.CONNECTION_FAILED);
    }

    @Test
    void aReservationWithAForgedVoucherOrAPastExpiryFails() throws Exception {
        BasicHost fake = net.host();
        RelayNet.Peer a = net.peer();
        Ed25519PrivateKey other = Ed25519PrivateKey.generate();
        long expire = Instant.now().plusSeconds(3600).getEpochSecond();
        fake.setStreamHandler(CircuitRelay.HOP_PROTOCOL_ID, stream -> {
            CircuitMessages.readHop(stream);
            boolean forge = stream.connection().remotePeer().equals(a.host().peerId())
                    && fake.peerstore().agentVersion(a.host().peerId()).isEmpty();
            fake.peerstore().setAgentVersion(a.host().peerId(), "asked once");
            CircuitProto.Reservation.Builder reservation = CircuitProto.Reservation.newBuilder();
            if (forge) {
                byte[] payload = CircuitProto.ReservationVoucher.newBuilder()
                        .setRelay(ByteString.copyFrom(fake.peerId().bytes()))
                        .setPeer(ByteString.copyFrom(a.host().peerId().bytes()))
                        .setExpiration(expire)
                        .build()
                        .toByteArray();
                byte[] voucher = SignedEnvelope.seal(
                                ReservationVoucher.DOMAIN,
                                ReservationVoucher.PAYLOAD_TYPE,
                                payload,
                                other.publicKey(),
                                other::sign)
                        .toBytes();
                reservation.setExpire(expire).setVoucher(ByteString.copyFrom(voucher));
            } else {
                reservation.setExpire(Instant.now().minusSeconds(5).getEpochSecond());
            }
            CircuitMessages.write(
                    stream,
                    CircuitProto.HopMessage.newBuilder()
                            .setType(CircuitProto.HopMessage.Type.STATUS)
                            .setStatus(CircuitProto.Status.OK)
                            .setReservation(reservation)
                            .build());
        });
        var address = fake.listenAddresses().get(0).withPeerId(fake.peerId());

        assertThatThrownBy(() -> a.transport().reserve(address))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("signed by");
        assertThatThrownBy(() -> a.transport().reserve(address))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("not in the future");
    }

    private static CircuitProto.HopMessage hop(CircuitProto.HopMessage.Type type) {
        return CircuitProto.HopMessage.newBuilder().setType(type).build();
    }

    private static CircuitProto.StopMessage stop(CircuitProto.StopMessage.Type type) {
        return CircuitProto.StopMessage.newBuilder().setType(type).build();
    }

    private static CircuitProto.Status hopStatus(BasicHost from, PeerId relay, byte[] request) throws IOException {
        try (Stream stream = from.newStream(relay, CircuitRelay.HOP_PROTOCOL_ID)) {
            stream.setReadTimeout(Duration.ofSeconds(10));
            LengthPrefixed.write(stream.out(), request);
            stream.out().flush();
            CircuitProto.HopMessage response = readHop(stream);
            assertThat(response.getType()).isEqualTo(CircuitProto.HopMessage.Type.STATUS);
            return response.getStatus();
        }
    }

    private static CircuitProto.HopMessage readHop(Stream stream) throws IOException {
        return CircuitProto.HopMessage.parseFrom(
                LengthPrefixed.readRequired(stream.in(), CircuitRelay.MAX_MESSAGE_SIZE));
    }

    private static CircuitProto.Status stopStatus(BasicHost from, PeerId target, byte[] request) throws IOException {
        try (Stream stream = from.newStream(target, CircuitRelay.STOP_PROTOCOL_ID)) {
            stream.setReadTimeout(Duration.ofSeconds(10));
            LengthPrefixed.write(stream.out(), request);
            stream.out().flush();
            CircuitProto.StopMessage response = CircuitProto.StopMessage.parseFrom(
                    LengthPrefixed.readRequired(stream.in(), CircuitRelay.MAX_MESSAGE_SIZE));
            assertThat(response.getType()).isEqualTo(CircuitProto.StopMessage.Type.STATUS);
            return response.getStatus();
        }
    }
}
