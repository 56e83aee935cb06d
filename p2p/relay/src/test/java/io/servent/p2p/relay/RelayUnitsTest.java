package io.servent.p2p.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.relay.proto.CircuitProto;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sans-I/O parts: resource accounting, vouchers and envelopes, limits and addresses. */
@Timeout(30)
class RelayUnitsTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void reservationsAreCountedInTotalAndPerSourceIp() throws Exception {
        RelayResources resources = new RelayResources(RelayConfig.defaults()
                .withMaxReservations(3)
                .withMaxReservationsPerIp(2)
                .withReservationTtl(Duration.ofMinutes(10)));
        InetAddress one = InetAddress.getByName("127.0.0.2");
        InetAddress two = InetAddress.getByName("127.0.0.3");
        PeerId a = PeerId.random();
        PeerId b = PeerId.random();
        PeerId c = PeerId.random();
        PeerId d = PeerId.random();

        assertThat(resources.reserve(a, one, T0)).isInstanceOf(RelayResources.Decision.Granted.class);
        assertThat(resources.reserve(b, one, T0)).isInstanceOf(RelayResources.Decision.Granted.class);
        assertThat(resources.reserve(c, one, T0)).isInstanceOfSatisfying(RelayResources.Decision.Refused.class, r -> {
            assertThat(r.status()).isEqualTo(CircuitStatus.RESERVATION_REFUSED);
            assertThat(r.reason()).contains("127.0.0.2");
        });
        assertThat(resources.reserve(a, one, T0.plusSeconds(60)))
                .as("a renewal from the same address")
                .isEqualTo(new RelayResources.Decision.Granted(T0.plusSeconds(660)));
        assertThat(resources.reserve(c, two, T0)).isInstanceOf(RelayResources.Decision.Granted.class);
        assertThat(resources.reserve(d, two, T0)).isInstanceOf(RelayResources.Decision.Refused.class);

        assertThat(resources.expiry(b, T0.plusSeconds(599))).contains(T0.plusSeconds(600));
        assertThat(resources.expiry(b, T0.plusSeconds(600))).isEmpty();
        assertThat(resources.reserve(d, two, T0.plusSeconds(601)))
                .as("expired reservations free their slots")
                .isInstanceOf(RelayResources.Decision.Granted.class);
        assertThat(resources.remove(d)).isTrue();
        assertThat(resources.remove(d)).isFalse();
    }

    @Test
    void circuitsAreCountedInTotalAndPerPeer() {
        RelayResources resources =
                new RelayResources(RelayConfig.defaults().withMaxCircuits(2).withMaxCircuitsPerPeer(1));
        PeerId a = PeerId.random();
        PeerId b = PeerId.random();
        PeerId c = PeerId.random();
        PeerId d = PeerId.random();
        PeerId e = PeerId.random();
        PeerId f = PeerId.random();

        assertThat(resources.openCircuit(a, b)).isEmpty();
        assertThat(resources.openCircuit(c, b)).get().asString().contains("maxCircuitsPerPeer");
        assertThat(resources.openCircuit(c, d)).isEmpty();
        assertThat(resources.openCircuit(e, f)).get().asString().contains("maxCircuits =");
        resources.closeCircuit(a, b);
        assertThat(resources.circuitCount()).isEqualTo(1);
        assertThat(resources.openCircuit(e, b)).isEmpty();
    }

    @Test
    void aVoucherRoundTripsAndATamperedOneFails() throws Exception {
        Ed25519PrivateKey relayKey = Ed25519PrivateKey.generate();
        PeerId relay = relayKey.publicKey().peerId();
        PeerId peer = PeerId.random();
        byte[] payload = CircuitProto.ReservationVoucher.newBuilder()
                .setRelay(com.google.protobuf.ByteString.copyFrom(relay.bytes()))
                .setPeer(com.google.protobuf.ByteString.copyFrom(peer.bytes()))
                .setExpiration(T0.getEpochSecond())
                .build()
                .toByteArray();
        byte[] envelope = SignedEnvelope.seal(
                        ReservationVoucher.DOMAIN,
                        ReservationVoucher.PAYLOAD_TYPE,
                        payload,
                        relayKey.publicKey(),
                        relayKey::sign)
                .toBytes();

        assertThat(ReservationVoucher.open(envelope, relay, peer)).isEqualTo(new ReservationVoucher(relay, peer, T0));
        assertThatThrownBy(() -> ReservationVoucher.open(envelope, relay, PeerId.random()))
                .isInstanceOf(ProtocolViolationException.class);
        assertThatThrownBy(() -> SignedEnvelope.open(envelope, "another-domain", ReservationVoucher.PAYLOAD_TYPE))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("does not verify");
        byte[] tampered = envelope.clone();
        tampered[tampered.length - 70] ^= 1; // inside the payload, before the 64-byte signature
        assertThatThrownBy(() -> ReservationVoucher.open(tampered, relay, peer))
                .isInstanceOf(ProtocolViolationException.class);
        assertThatThrownBy(() -> ReservationVoucher.open(new byte[] {1, 2, 3}, relay, peer))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void theVoucherPayloadIsCanonical() {
        // Fields in id order: relay (1), peer (2), expiration (3), as the spec requires.
        PeerId relay = PeerId.random();
        PeerId peer = PeerId.random();
        byte[] payload = CircuitProto.ReservationVoucher.newBuilder()
                .setExpiration(1)
                .setPeer(com.google.protobuf.ByteString.copyFrom(peer.bytes()))
                .setRelay(com.google.protobuf.ByteString.copyFrom(relay.bytes()))
                .build()
                .toByteArray();
        String hex = HexFormat.of().formatHex(payload);
        assertThat(hex)
                .isEqualTo("0a26" + HexFormat.of().formatHex(relay.bytes()) + "1226"
                        + HexFormat.of().formatHex(peer.bytes()) + "1801");
    }

    @Test
    void limitsGoOnTheWireInWholeSecondsAndNoneIsAbsent() {
        assertThat(RelayLimit.NONE.toProto()).isEmpty();
        CircuitProto.Limit limit =
                new RelayLimit(Duration.ofMillis(1500), 1024).toProto().orElseThrow();
        assertThat(limit.getDuration()).isEqualTo(2);
        assertThat(limit.getData()).isEqualTo(1024);
        assertThat(new RelayLimit(Duration.ZERO, 5).toProto().orElseThrow().hasDuration())
                .isFalse();
        assertThat(RelayLimit.fromProto(
                                CircuitProto.Limit.newBuilder().setDuration(-1).build())
                        .duration())
                .isEqualTo(Duration.ofSeconds(0xFFFF_FFFFL));
    }

    @Test
    void circuitAddressesParseStrictly() {
        PeerId relay = PeerId.random();
        PeerId target = PeerId.random();
        Multiaddr full = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + relay + "/p2p-circuit/p2p/" + target);

        CircuitAddress parsed = CircuitAddress.parse(full);
        assertThat(parsed.relay()).isEqualTo(relay);
        assertThat(parsed.target()).contains(target);
        assertThat(parsed.relayAddress()).contains(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + relay));
        assertThat(CircuitAddress.parse(Multiaddr.parse("/p2p/" + relay + "/p2p-circuit")))
                .isEqualTo(new CircuitAddress(Optional.empty(), relay, Optional.empty()));
        assertThatThrownBy(() -> CircuitAddress.parse(Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p-circuit")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CircuitAddress.parse(
                        Multiaddr.parse("/p2p/" + relay + "/p2p-circuit/p2p/" + target + "/p2p-circuit/p2p/" + relay)))
                .hasMessageContaining("do not chain");
        assertThatThrownBy(() -> CircuitAddress.parse(Multiaddr.parse("/p2p/" + relay + "/p2p-circuit/ip4/1.2.3.4")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void renewalsHappenAfterThreeQuartersOfTheRemainingTime() {
        assertThat(RelayListener.refreshDelay(T0.plusSeconds(3600), T0)).isEqualTo(Duration.ofMinutes(45));
        assertThat(RelayListener.refreshDelay(T0, T0.plusSeconds(1))).isEqualTo(Duration.ZERO);
    }
}
