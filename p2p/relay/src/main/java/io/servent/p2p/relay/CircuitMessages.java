package io.servent.p2p.relay;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.relay.proto.CircuitProto;
import java.io.EOFException;
import java.io.IOException;

/**
 * Reads and writes hop and stop messages: varint-length-prefixed protobufs of at most {@link
 * CircuitRelay#MAX_MESSAGE_SIZE} bytes. Reads take exactly one message's bytes and no more, since
 * the relayed bytes follow on the same stream. Stateless and thread-safe.
 */
final class CircuitMessages {
    private CircuitMessages() {}

    static CircuitProto.HopMessage readHop(Stream stream) throws IOException {
        byte[] bytes = read(stream, "hop");
        try {
            return CircuitProto.HopMessage.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed hop message: " + e.getMessage(), e);
        }
    }

    static CircuitProto.StopMessage readStop(Stream stream) throws IOException {
        byte[] bytes = read(stream, "stop");
        try {
            return CircuitProto.StopMessage.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed stop message: " + e.getMessage(), e);
        }
    }

    private static byte[] read(Stream stream, String kind) throws IOException {
        return LengthPrefixed.read(stream.in(), CircuitRelay.MAX_MESSAGE_SIZE)
                .orElseThrow(() -> new EOFException("stream ended before the " + kind + " message"));
    }

    static void write(Stream stream, MessageLite message) throws IOException {
        LengthPrefixed.write(stream.out(), message.toByteArray());
        stream.out().flush();
    }

    static CircuitProto.HopMessage hopStatus(CircuitStatus status) {
        return CircuitProto.HopMessage.newBuilder()
                .setType(CircuitProto.HopMessage.Type.STATUS)
                .setStatus(status.toProto())
                .build();
    }

    static CircuitProto.StopMessage stopStatus(CircuitStatus status) {
        return CircuitProto.StopMessage.newBuilder()
                .setType(CircuitProto.StopMessage.Type.STATUS)
                .setStatus(status.toProto())
                .build();
    }

    /** The status of a response, treating an absent or unknown one as a violation. */
    static CircuitStatus status(boolean has, CircuitProto.Status status, String kind)
            throws ProtocolViolationException {
        if (!has) {
            throw new ProtocolViolationException(kind + " response carries no status");
        }
        return CircuitStatus.fromProto(status)
                .orElseThrow(() -> new ProtocolViolationException(kind + " response has unknown status " + status));
    }

    /** The peer id of a Peer field, bounded and checked. */
    static PeerId peerId(CircuitProto.Peer peer) throws ProtocolViolationException {
        if (peer.getAddrsCount() > CircuitRelay.MAX_ADDRESSES) {
            throw new ProtocolViolationException(
                    "peer lists " + peer.getAddrsCount() + " addresses; at most " + CircuitRelay.MAX_ADDRESSES);
        }
        try {
            return PeerId.fromBytes(peer.getId().toByteArray());
        } catch (MultiformatException e) {
            throw new ProtocolViolationException("bad peer id: " + e.getMessage(), e);
        }
    }
}
