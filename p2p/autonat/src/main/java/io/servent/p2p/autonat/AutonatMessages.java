package io.servent.p2p.autonat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.autonat.proto.AutonatProto;
import java.io.EOFException;
import java.io.IOException;

/** Length-prefixed AutoNAT messages of bounded size. Stateless and thread-safe. */
final class AutonatMessages {
    /** go-libp2p reads at most 4 KiB; a request with 16 addresses needs well under 1 KiB. */
    static final int MAX_MESSAGE_SIZE = 4096;

    /** Addresses read from one request at most; the rest are ignored. */
    static final int MAX_ADDRESSES = 64;

    private AutonatMessages() {}

    static AutonatProto.Message read(Stream stream) throws IOException {
        byte[] bytes = LengthPrefixed.read(stream.in(), MAX_MESSAGE_SIZE)
                .orElseThrow(() -> new EOFException("stream ended before the autonat message"));
        try {
            return AutonatProto.Message.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed autonat message: " + e.getMessage(), e);
        }
    }

    static void write(Stream stream, AutonatProto.Message message) throws IOException {
        LengthPrefixed.write(stream.out(), message.toByteArray());
        stream.out().flush();
    }

    static AutonatProto.Message response(AutonatProto.Message.ResponseStatus status, String text) {
        return AutonatProto.Message.newBuilder()
                .setType(AutonatProto.Message.MessageType.DIAL_RESPONSE)
                .setDialResponse(AutonatProto.Message.DialResponse.newBuilder()
                        .setStatus(status)
                        .setStatusText(text))
                .build();
    }
}
