package io.servent.p2p.kad;

import io.servent.p2p.api.Host;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.kad.proto.KadProto.Message;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The client side of the wire protocol: one fresh stream per request, as js-libp2p does (go-libp2p
 * may reuse streams; the server side of {@link KadDht} accepts both). A request writes the message,
 * reads one length-prefixed response of at most {@code maxMessageSize} bytes, and closes the stream;
 * any error resets it. Every stream is bounded by the request timeout and can be cancelled from
 * another thread through its {@link Call}. Thread-safe.
 */
final class KadRpc {
    private final Host host;
    private final KadConfig config;
    private final Set<Call> open = ConcurrentHashMap.newKeySet();
    private final KadQueryCounters counters;
    private volatile boolean closed;

    KadRpc(Host host, KadConfig config, KadQueryCounters counters) {
        this.host = host;
        this.config = config;
        this.counters = counters;
    }

    /** A handle to cancel one request in flight (it then fails with an IOException). Thread-safe. */
    static final class Call {
        private volatile @Nullable Stream stream;
        private volatile boolean cancelled;

        void cancel() {
            cancelled = true;
            Stream s = stream;
            if (s != null) {
                s.reset();
            }
        }

        boolean cancelled() {
            return cancelled;
        }
    }

    /** Sends {@code request} and returns the peer's response, which must be of the same type. */
    Message request(PeerId peer, Message request, Call call) throws IOException {
        try {
            Message response = exchange(peer, request, call);
            counters.sent(request.getType(), KadQueryCounters.Outcome.OK);
            return response;
        } catch (IOException | RuntimeException e) {
            counters.sent(request.getType(), KadQueryCounters.outcomeOf(e));
            throw e;
        }
    }

    private Message exchange(PeerId peer, Message request, Call call) throws IOException {
        Stream stream = open(peer, call);
        try {
            write(stream, request);
            byte[] bytes = LengthPrefixed.read(stream.in(), config.limits().maxMessageSize())
                    .orElseThrow(() ->
                            new ProtocolViolationException("stream ended without a response to " + request.getType()));
            Message response = KadMessages.parse(bytes, request.getType() + " response");
            if (response.getType() != request.getType()) {
                throw new ProtocolViolationException("answered " + request.getType() + " with " + response.getType());
            }
            stream.close();
            return response;
        } catch (IOException | RuntimeException e) {
            stream.reset();
            if (call.cancelled() && !(e instanceof ProtocolViolationException)) {
                throw new InterruptedIOException("request cancelled");
            }
            throw e;
        } finally {
            open.remove(call);
        }
    }

    /** Sends a message that has no response (ADD_PROVIDER). */
    void send(PeerId peer, Message message, Call call) throws IOException {
        Stream stream;
        try {
            stream = open(peer, call);
        } catch (IOException | RuntimeException e) {
            counters.sent(message.getType(), KadQueryCounters.outcomeOf(e));
            throw e;
        }
        try {
            write(stream, message);
            stream.closeWrite();
            stream.close();
            counters.sent(message.getType(), KadQueryCounters.Outcome.OK);
        } catch (IOException | RuntimeException e) {
            stream.reset();
            counters.sent(message.getType(), KadQueryCounters.outcomeOf(e));
            throw e;
        } finally {
            open.remove(call);
        }
    }

    private Stream open(PeerId peer, Call call) throws IOException {
        if (closed) {
            throw new IOException("the DHT is closed");
        }
        open.add(call);
        Stream stream;
        try {
            stream = host.newStream(peer, config.protocol());
        } catch (IOException | RuntimeException e) {
            open.remove(call);
            throw e;
        }
        stream.setReadTimeout(config.requestTimeout());
        stream.setWriteTimeout(config.requestTimeout());
        call.stream = stream;
        if (call.cancelled() || closed) {
            stream.reset();
            open.remove(call);
            throw new InterruptedIOException("request cancelled");
        }
        return stream;
    }

    private static void write(Stream stream, Message message) throws IOException {
        LengthPrefixed.write(stream.out(), message.toByteArray());
        stream.out().flush();
    }

    /** Cancels every request in flight; later ones fail at once. */
    void close() {
        closed = true;
        for (Call call : open) {
            call.cancel();
        }
        open.clear();
    }
}
