package io.servent.p2p.kad;

import io.servent.p2p.kad.proto.KadProto.Message;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What this node's DHT has asked and been asked, by query type: lookups run (and their total time),
 * requests sent by outcome, and requests served. Monotonic counters for metrics (the daemon exports
 * them to Prometheus); counting is a few atomic adds. Thread-safe.
 */
public final class KadQueryCounters {
    /** The DHT's request types, named as in the spec's message. */
    public enum Type {
        PUT_VALUE,
        GET_VALUE,
        ADD_PROVIDER,
        GET_PROVIDERS,
        FIND_NODE,
        PING;

        /** Lower case, for metric tags. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Type of(Message.MessageType type) {
            return switch (type) {
                case PUT_VALUE -> PUT_VALUE;
                case GET_VALUE -> GET_VALUE;
                case ADD_PROVIDER -> ADD_PROVIDER;
                case GET_PROVIDERS -> GET_PROVIDERS;
                case FIND_NODE -> FIND_NODE;
                case PING, UNRECOGNIZED -> PING;
            };
        }
    }

    /** How a request this node sent ended. */
    public enum Outcome {
        /** Answered (or, for a message without an answer, delivered). */
        OK,
        /** No answer within the request timeout. */
        TIMEOUT,
        /** The peer could not be reached, reset the stream or broke the protocol. */
        FAILED,
        /** Given up by this node (a lookup that had its answer, or closing). */
        CANCELLED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int TYPES = Type.values().length;
    private static final int OUTCOMES = Outcome.values().length;

    private final AtomicLongArray lookups = new AtomicLongArray(TYPES);
    private final AtomicLongArray lookupNanos = new AtomicLongArray(TYPES);
    private final AtomicLongArray served = new AtomicLongArray(TYPES);
    private final AtomicLongArray sent = new AtomicLongArray(TYPES * OUTCOMES);

    KadQueryCounters() {}

    void lookupDone(Message.MessageType type, long nanos) {
        int t = Type.of(type).ordinal();
        lookups.incrementAndGet(t);
        lookupNanos.addAndGet(t, nanos);
    }

    void sent(Message.MessageType type, Outcome outcome) {
        sent.incrementAndGet(Type.of(type).ordinal() * OUTCOMES + outcome.ordinal());
    }

    /** The outcome a failed request's exception stands for. */
    static Outcome outcomeOf(Exception e) {
        if (e instanceof SocketTimeoutException) {
            return Outcome.TIMEOUT;
        }
        return e instanceof InterruptedIOException ? Outcome.CANCELLED : Outcome.FAILED;
    }

    void served(Message.MessageType type) {
        served.incrementAndGet(Type.of(type).ordinal());
    }

    /** Lookups of {@code type} run since start. */
    public long lookups(Type type) {
        return lookups.get(type.ordinal());
    }

    /** Their total wall time, in nanoseconds. */
    public long lookupNanos(Type type) {
        return lookupNanos.get(type.ordinal());
    }

    /** Requests of {@code type} this node sent that ended with {@code outcome}. */
    public long sent(Type type, Outcome outcome) {
        return sent.get(type.ordinal() * OUTCOMES + outcome.ordinal());
    }

    /** Requests of {@code type} this node answered. */
    public long served(Type type) {
        return served.get(type.ordinal());
    }
}
