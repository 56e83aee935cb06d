package io.servent.p2p.host;

import io.servent.p2p.api.Direction;
import io.servent.p2p.api.PeerIdMismatchException;
import io.servent.p2p.api.ProtocolNotSupportedException;
import io.servent.p2p.api.ProtocolViolationException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters a host keeps about itself, for dashboards and metrics exporters: payload bytes and
 * streams per negotiated protocol, and failed handshakes and refused connections by reason. Plain
 * counters with no metrics library behind them, so the host stays usable alone; an exporter reads
 * the snapshots. Every key set is bounded (protocols beyond {@link #MAX_PROTOCOLS} share the key
 * {@link #OTHER_PROTOCOL}; reasons are a fixed vocabulary), so a peer cannot grow them.
 *
 * <p>Bytes are stream payload after protocol negotiation: what applications read and wrote, not the
 * encrypted, framed bytes on the wire. Thread-safe; counting is a {@link LongAdder} increment.
 */
public final class HostMetrics {
    /** Distinct protocol keys kept; the host only negotiates protocols it serves or asked for. */
    public static final int MAX_PROTOCOLS = 256;

    public static final String OTHER_PROTOCOL = "other";

    /** Traffic of one protocol so far. */
    public record ProtocolTraffic(
            String protocol, long bytesIn, long bytesOut, long inboundStreams, long outboundStreams) {}

    /** Why a connection's upgrade failed. */
    public enum HandshakeFailure {
        /** The upgrade did not finish within its deadline. */
        TIMEOUT,
        /** The peer proved a different PeerId than the one dialed. */
        PEER_ID_MISMATCH,
        /** No security protocol or muxer in common. */
        NO_COMMON_PROTOCOL,
        /** The peer broke the protocol (bad handshake message, bad signature, oversized frame…). */
        PROTOCOL_VIOLATION,
        /** The peer hung up mid-handshake. */
        CLOSED,
        /** Any other I/O failure. */
        IO_ERROR;

        /** Lower-case name for labels, e.g. {@code peer_id_mismatch}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static HandshakeFailure classify(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof PeerIdMismatchException) {
                    return PEER_ID_MISMATCH;
                }
                if (t instanceof ProtocolNotSupportedException) {
                    return NO_COMMON_PROTOCOL;
                }
                if (t instanceof ProtocolViolationException) {
                    return PROTOCOL_VIOLATION;
                }
                if (t instanceof InterruptedIOException) {
                    return TIMEOUT;
                }
                if (t instanceof EOFException) {
                    return CLOSED;
                }
            }
            return IO_ERROR;
        }
    }

    /** Why the host refused a connection or stream before or instead of using it. */
    public enum Refusal {
        /** Too many inbound handshakes were already running. */
        PENDING_HANDSHAKES,
        /** Too many inbound connections from that IP address. */
        CONNECTIONS_PER_IP,
        /** The total or per-peer connection limit. */
        CONNECTIONS,
        /** The per-connection or per-peer stream limit. */
        STREAMS,
        /** Too many inbound stream handlers were running. */
        STREAM_HANDLERS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a dial failed before any handshake. */
    public enum DialFailure {
        REFUSED,
        TIMEOUT,
        OTHER;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static DialFailure classify(IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConnectException) {
                    return REFUSED;
                }
                if (t instanceof InterruptedIOException) {
                    return TIMEOUT;
                }
            }
            return OTHER;
        }
    }

    private static final class Counters {
        final LongAdder in = new LongAdder();
        final LongAdder out = new LongAdder();
        final LongAdder inboundStreams = new LongAdder();
        final LongAdder outboundStreams = new LongAdder();
    }

    private final Map<String, Counters> protocols = new ConcurrentHashMap<>();
    private final Map<Direction, Map<HandshakeFailure, LongAdder>> handshakeFailures = new ConcurrentHashMap<>();
    private final Map<Refusal, LongAdder> refusals = new ConcurrentHashMap<>();
    private final Map<DialFailure, LongAdder> dialFailures = new ConcurrentHashMap<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();

    HostMetrics() {}

    private Counters countersFor(String protocol) {
        Counters existing = protocols.get(protocol);
        if (existing != null) {
            return existing;
        }
        String key = protocols.size() >= MAX_PROTOCOLS ? OTHER_PROTOCOL : protocol;
        return protocols.computeIfAbsent(key, k -> new Counters());
    }

    /** Counts a newly negotiated stream and returns its stream pair, counted under its protocol. */
    CountedStreams streamOpened(String protocol, Direction direction, InputStream in, OutputStream out) {
        Counters c = countersFor(protocol);
        (direction == Direction.INBOUND ? c.inboundStreams : c.outboundStreams).increment();
        return new CountedStreams(new CountingInput(in, c), new CountingOutput(out, c));
    }

    record CountedStreams(InputStream in, OutputStream out) {}

    void handshakeFailed(Direction direction, Throwable e) {
        handshakeFailures
                .computeIfAbsent(direction, d -> new ConcurrentHashMap<>())
                .computeIfAbsent(HandshakeFailure.classify(e), r -> new LongAdder())
                .increment();
    }

    void refused(Refusal reason) {
        refusals.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void dialFailed(IOException e) {
        dialFailures
                .computeIfAbsent(DialFailure.classify(e), r -> new LongAdder())
                .increment();
    }

    /** Stream payload bytes received, all protocols. */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Stream payload bytes sent, all protocols. */
    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Per-protocol traffic, sorted by protocol. */
    public List<ProtocolTraffic> protocolTraffic() {
        List<ProtocolTraffic> out = new ArrayList<>();
        protocols.forEach((p, c) -> out.add(
                new ProtocolTraffic(p, c.in.sum(), c.out.sum(), c.inboundStreams.sum(), c.outboundStreams.sum())));
        out.sort(Comparator.comparing(ProtocolTraffic::protocol));
        return out;
    }

    public long handshakeFailures(Direction direction, HandshakeFailure reason) {
        Map<HandshakeFailure, LongAdder> byReason = handshakeFailures.get(direction);
        LongAdder n = byReason == null ? null : byReason.get(reason);
        return n == null ? 0 : n.sum();
    }

    public long refusals(Refusal reason) {
        LongAdder n = refusals.get(reason);
        return n == null ? 0 : n.sum();
    }

    public long dialFailures(DialFailure reason) {
        LongAdder n = dialFailures.get(reason);
        return n == null ? 0 : n.sum();
    }

    private final class CountingInput extends FilterInputStream {
        private final Counters counters;

        CountingInput(InputStream in, Counters counters) {
            super(in);
            this.counters = counters;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            if (skipped > 0) {
                add(skipped);
            }
            return skipped;
        }

        private void add(long n) {
            counters.in.add(n);
            bytesIn.add(n);
        }
    }

    private final class CountingOutput extends FilterOutputStream {
        private final Counters counters;

        CountingOutput(OutputStream out, Counters counters) {
            super(out);
            this.counters = counters;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            add(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            // FilterOutputStream would write byte by byte; pass the array through.
            out.write(b, off, len);
            add(len);
        }

        @Override
        public void close() throws IOException {
            // Closing is the stream's business (HostStream.close), not its output view's;
            // delegate without FilterOutputStream's flush-then-close dance.
            out.close();
        }

        private void add(long n) {
            counters.out.add(n);
            bytesOut.add(n);
        }
    }
}
