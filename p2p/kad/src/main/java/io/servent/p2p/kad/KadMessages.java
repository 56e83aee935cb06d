package io.servent.p2p.kad;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.kad.proto.KadProto;
import io.servent.p2p.kad.proto.KadProto.Message;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Builds and reads the wire messages ({@code dht.proto}), bounding what a peer can make us keep:
 * peers and addresses beyond the limits are ignored, unreadable PeerIds and addresses (e.g. of
 * transports servent does not know) are skipped as go-libp2p does. Stateless and thread-safe.
 */
final class KadMessages {
    /** go-libp2p and js-libp2p write {@code timeReceived} as RFC 3339 with nanoseconds. */
    private static final DateTimeFormatter RFC3339_NANO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private KadMessages() {}

    static Message parse(byte[] bytes, String what) throws ProtocolViolationException {
        try {
            Message m = Message.parseFrom(bytes);
            if (m.getType() == Message.MessageType.UNRECOGNIZED) {
                throw new ProtocolViolationException(what + " has unknown message type " + m.getTypeValue());
            }
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed " + what + ": " + e.getMessage(), e);
        }
    }

    static Message request(Message.MessageType type, byte[] key) {
        return Message.newBuilder()
                .setType(type)
                .setKey(ByteString.copyFrom(key))
                .build();
    }

    static Message.Peer peer(PeerId id, Collection<Multiaddr> addresses, int maxAddresses) {
        Message.Peer.Builder b = Message.Peer.newBuilder().setId(ByteString.copyFrom(id.bytes()));
        int n = 0;
        for (Multiaddr a : addresses) {
            if (n++ == maxAddresses) {
                break;
            }
            b.addAddrs(ByteString.copyFrom(a.withoutPeerId().bytes()));
        }
        return b.build();
    }

    /**
     * The readable peers of a message field, at most {@code maxPeers}, each with at most {@code
     * maxAddresses} of its readable addresses.
     */
    static List<KadPeer> peers(List<Message.Peer> field, int maxPeers, int maxAddresses) {
        List<KadPeer> out = new ArrayList<>(Math.min(field.size(), maxPeers));
        for (Message.Peer p : field) {
            if (out.size() == maxPeers) {
                break;
            }
            PeerId id;
            try {
                id = KadPeerIds.fromBytes(p.getId().toByteArray());
            } catch (MultiformatException e) {
                continue;
            }
            List<Multiaddr> addresses = new ArrayList<>(Math.min(p.getAddrsCount(), maxAddresses));
            for (ByteString a : p.getAddrsList()) {
                if (addresses.size() == maxAddresses) {
                    break;
                }
                try {
                    addresses.add(Multiaddr.fromBytes(a.toByteArray()).withoutPeerId());
                } catch (MultiformatException e) {
                    // An address of a transport we do not know; the others may still do.
                }
            }
            out.add(new KadPeer(id, addresses));
        }
        return out;
    }

    static KadProto.Record record(byte[] key, byte[] value, Instant received) {
        return KadProto.Record.newBuilder()
                .setKey(ByteString.copyFrom(key))
                .setValue(ByteString.copyFrom(value))
                .setTimeReceived(RFC3339_NANO.format(received))
                .build();
    }
}
