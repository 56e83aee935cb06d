package io.servent.p2p.relay;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.relay.proto.CircuitProto;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of the hop protocol: RESERVE and CONNECT on an open connection to a relay, each
 * bounded by one timeout. Stateless and thread-safe.
 */
final class RelayClient {
    private RelayClient() {}

    static RelayReservation reserve(Connection relay, Duration timeout, Clock clock) throws IOException {
        PeerId relayId = relay.remotePeer();
        try (Stream stream = relay.newStream(CircuitRelay.HOP_PROTOCOL_ID)) {
            stream.setReadTimeout(timeout);
            stream.setWriteTimeout(timeout);
            CircuitMessages.write(
                    stream,
                    CircuitProto.HopMessage.newBuilder()
                            .setType(CircuitProto.HopMessage.Type.RESERVE)
                            .build());
            CircuitProto.HopMessage response = CircuitMessages.readHop(stream);
            CircuitStatus status = statusOf(response, "reservation");
            if (status != CircuitStatus.OK) {
                throw new RelayStatusException(status, relayId + " refused the reservation");
            }
            if (!response.hasReservation()) {
                throw new ProtocolViolationException(
                        "reservation response from " + relayId + " carries no reservation");
            }
            return parseReservation(relay, response, clock.instant());
        }
    }

    private static RelayReservation parseReservation(Connection relay, CircuitProto.HopMessage response, Instant now)
            throws ProtocolViolationException {
        PeerId relayId = relay.remotePeer();
        CircuitProto.Reservation reservation = response.getReservation();
        Instant expiry = Instant.ofEpochSecond(Math.max(0, reservation.getExpire()));
        if (!expiry.isAfter(now)) {
            throw new ProtocolViolationException(
                    "reservation from " + relayId + " expires at " + expiry + ", which is not in the future");
        }
        if (reservation.getAddrsCount() > CircuitRelay.MAX_ADDRESSES) {
            throw new ProtocolViolationException("reservation from " + relayId + " lists " + reservation.getAddrsCount()
                    + " addresses; at most " + CircuitRelay.MAX_ADDRESSES);
        }
        List<Multiaddr> addresses = new ArrayList<>();
        for (ByteString bytes : reservation.getAddrsList()) {
            try {
                Multiaddr a = Multiaddr.fromBytes(bytes.toByteArray());
                if (!a.has(MultiaddrProtocol.P2P_CIRCUIT)) {
                    addresses.add(a.withPeerId(relayId));
                }
            } catch (MultiformatException e) {
                // One address in a protocol we don't know shouldn't discard the rest.
            }
        }
        boolean voucher = reservation.hasVoucher();
        if (voucher) {
            ReservationVoucher.open(reservation.getVoucher().toByteArray(), relayId, relay.localPeer());
        }
        RelayLimit limit = response.hasLimit() ? RelayLimit.fromProto(response.getLimit()) : RelayLimit.NONE;
        return new RelayReservation(relayId, expiry, addresses, limit, voucher);
    }

    /**
     * Asks the relay for a circuit to {@code target}; on OK the stream carries the relayed bytes.
     *
     * @return the limit the relay announced
     */
    static RelayLimit connect(Stream hop, PeerId target, Duration timeout) throws IOException {
        hop.setReadTimeout(timeout);
        hop.setWriteTimeout(timeout);
        CircuitMessages.write(
                hop,
                CircuitProto.HopMessage.newBuilder()
                        .setType(CircuitProto.HopMessage.Type.CONNECT)
                        .setPeer(CircuitProto.Peer.newBuilder().setId(ByteString.copyFrom(target.bytes())))
                        .build());
        CircuitProto.HopMessage response = CircuitMessages.readHop(hop);
        CircuitStatus status = statusOf(response, "connect");
        if (status != CircuitStatus.OK) {
            throw new RelayStatusException(status, hop.remotePeer() + " could not connect us to " + target);
        }
        hop.setReadTimeout(Duration.ZERO);
        hop.setWriteTimeout(Duration.ZERO);
        return response.hasLimit() ? RelayLimit.fromProto(response.getLimit()) : RelayLimit.NONE;
    }

    private static CircuitStatus statusOf(CircuitProto.HopMessage response, String kind)
            throws ProtocolViolationException {
        if (response.getType() != CircuitProto.HopMessage.Type.STATUS) {
            throw new ProtocolViolationException(kind + " response is a " + response.getType() + ", not a STATUS");
        }
        return CircuitMessages.status(response.hasStatus(), response.getStatus(), kind);
    }
}
