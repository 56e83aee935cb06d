package io.servent.p2p.multistream;

import io.servent.p2p.api.ProtocolNotSupportedException;
import io.servent.p2p.api.ProtocolViolationException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * multistream-select 1.0 over a blocking stream pair: the dialer {@link #select proposes} protocols
 * in order until the listener {@link #handle echoes} one back.
 *
 * <pre>
 * dialer                          listener
 * /multistream/1.0.0 + /proto-a → (one flush: the dialer does not wait for the header)
 *                               ← /multistream/1.0.0
 *                               ← na
 * /proto-b                      →
 *                               ← /proto-b          then /proto-b's own bytes follow
 * </pre>
 *
 * <p>Negotiation reads exactly the bytes of its messages and nothing more, so whatever the peer
 * wrote after them is left on the stream for the negotiated protocol. It needs no state between
 * calls: the static methods are thread-safe, each call owning its streams until it returns.
 *
 * <p>Timeouts: the plain overloads wait as long as the stream's own read timeout allows per read.
 * The overloads with a {@link ReadTimeout} bound the whole negotiation instead (pass
 * {@code connection::setReadTimeout}); they leave the read timeout at {@link Duration#ZERO}.
 *
 * @see <a href="https://github.com/multiformats/multistream-select">multistream-select</a>
 */
public final class Multistream {
    /** The header both sides send first. */
    public static final String PROTOCOL_ID = "/multistream/1.0.0";

    /** The listener's reply to a protocol it does not speak ("not available"). */
    public static final String NOT_AVAILABLE = "na";

    /** A dialer's request for the list of protocols the listener speaks. */
    public static final String LIST = "ls";

    /** The largest message read, varint value (which counts the newline) included. */
    public static final int MAX_MESSAGE_LENGTH = 1024;

    /** The longest protocol id, in characters. */
    public static final int MAX_PROTOCOL_ID_LENGTH = 512;

    /** How many proposals (and {@code ls} requests) a listener answers before it gives up on the peer. */
    public static final int MAX_PROPOSALS = 32;

    /**
     * The largest {@code ls} reply written. rust-libp2p reads at most a two-byte varint length
     * (16383 bytes); staying under it keeps the reply readable everywhere.
     */
    static final int MAX_LIST_LENGTH = 16_383;

    private static final Logger log = LoggerFactory.getLogger(Multistream.class);

    private Multistream() {}

    /** Sets the read timeout of the stream being negotiated, e.g. {@code RawConnection::setReadTimeout}. */
    @FunctionalInterface
    public interface ReadTimeout {
        /** {@link Duration#ZERO} waits forever. */
        void set(Duration timeout) throws IOException;
    }

    /**
     * Negotiates as the dialer: proposes {@code protocols} in order of preference.
     *
     * @return the protocol the listener accepted
     * @throws ProtocolNotSupportedException if the listener answered {@code na} to every proposal
     * @throws ProtocolViolationException if the listener sent anything else than the spec allows
     * @throws EOFException if the stream ended during the negotiation
     * @throws IllegalArgumentException if {@code protocols} is empty, longer than {@link #MAX_PROPOSALS}
     *     or holds an id that cannot be proposed
     */
    public static String select(InputStream in, OutputStream out, List<String> protocols) throws IOException {
        if (protocols.isEmpty() || protocols.size() > MAX_PROPOSALS) {
            throw new IllegalArgumentException(
                    "propose 1 to " + MAX_PROPOSALS + " protocols, not " + protocols.size() + ": " + protocols);
        }
        protocols.forEach(Multistream::requireProposable);
        // Header and first proposal leave in one flush, as go and js do: a round trip saved.
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        MultistreamMessage.writeTo(first, PROTOCOL_ID);
        MultistreamMessage.writeTo(first, protocols.get(0));
        out.write(first.toByteArray());
        out.flush();
        expectHeader(in);
        for (int i = 0; ; i++) {
            String proposal = protocols.get(i);
            String reply = MultistreamMessage.read(in, "the reply to " + proposal);
            if (reply.equals(proposal)) {
                log.trace("selected {}", proposal);
                return proposal;
            }
            if (!reply.equals(NOT_AVAILABLE)) {
                throw new ProtocolViolationException("expected '" + proposal + "' or 'na' in reply to '" + proposal
                        + "', got " + MultistreamMessage.quote(reply));
            }
            if (i + 1 == protocols.size()) {
                throw new ProtocolNotSupportedException(protocols);
            }
            out.write(MultistreamMessage.encode(protocols.get(i + 1)));
            out.flush();
        }
    }

    /**
     * {@link #select(InputStream, OutputStream, List)} that fails with {@link SocketTimeoutException}
     * unless it finishes within {@code timeout} ({@link Duration#ZERO}: no limit).
     */
    public static String select(
            InputStream in, OutputStream out, List<String> protocols, ReadTimeout readTimeout, Duration timeout)
            throws IOException {
        return withDeadline(in, readTimeout, timeout, deadlineIn -> select(deadlineIn, out, protocols));
    }

    /** Negotiates as the listener, accepting exactly the protocols of {@code supported} and listing them on {@code ls}. */
    public static String handle(InputStream in, OutputStream out, Set<String> supported) throws IOException {
        return handle(in, out, supported::contains, supported);
    }

    /**
     * Negotiates as the listener: answers {@code na} to proposals {@code supported} rejects and
     * echoes the first it accepts.
     *
     * @param listed what to answer {@code ls} with (read only if asked; the reply is capped at 16 KiB)
     * @return the protocol the dialer chose
     * @throws ProtocolViolationException if the dialer sent a malformed message, a wrong header or
     *     more than {@link #MAX_PROPOSALS} proposals
     * @throws EOFException if the stream ended first, e.g. because the dialer gave up after {@code na}
     */
    public static String handle(
            InputStream in, OutputStream out, Predicate<String> supported, Collection<String> listed)
            throws IOException {
        // Both sides may send the header at once (connections spec); sending it before reading saves
        // a round trip against a dialer that waits for it. A failed write is ignored, here and for the
        // echo below, as go-multistream does: a dialer may have written its proposal and data and
        // closed; we still owe the handler what it sent, and later writes report the failure.
        writeIgnoringFailure(out, MultistreamMessage.encode(PROTOCOL_ID));
        expectHeader(in);
        List<String> declined = new ArrayList<>();
        for (int i = 0; i < MAX_PROPOSALS; i++) {
            String message;
            try {
                message = MultistreamMessage.read(in, "a protocol proposal");
            } catch (EOFException e) {
                if (declined.isEmpty()) {
                    throw e;
                }
                throw new EOFException("stream ended after the dialer proposed only protocols we do not speak: "
                        + declined.stream().map(MultistreamMessage::quote).toList());
            }
            if (message.equals(LIST)) {
                out.write(MultistreamMessage.encodeList(List.copyOf(listed), MAX_LIST_LENGTH));
                out.flush();
            } else if (isProposable(message) && supported.test(message)) {
                writeIgnoringFailure(out, MultistreamMessage.encode(message));
                log.trace("handled {}", message);
                return message;
            } else {
                declined.add(message);
                out.write(MultistreamMessage.encode(NOT_AVAILABLE));
                out.flush();
            }
        }
        throw new ProtocolViolationException("the dialer sent " + MAX_PROPOSALS
                + " messages without choosing a protocol we speak; last declined: "
                + declined.stream()
                        .skip(Math.max(0, declined.size() - 3))
                        .map(MultistreamMessage::quote)
                        .toList());
    }

    /**
     * {@link #handle(InputStream, OutputStream, Predicate, Collection)} that fails with {@link
     * SocketTimeoutException} unless it finishes within {@code timeout} ({@link Duration#ZERO}: no limit).
     */
    public static String handle(
            InputStream in,
            OutputStream out,
            Predicate<String> supported,
            Collection<String> listed,
            ReadTimeout readTimeout,
            Duration timeout)
            throws IOException {
        return withDeadline(in, readTimeout, timeout, deadlineIn -> handle(deadlineIn, out, supported, listed));
    }

    /**
     * Whether {@code protocol} can be proposed: 1 to {@link #MAX_PROTOCOL_ID_LENGTH} characters, no
     * newline, valid Unicode, within {@link #MAX_MESSAGE_LENGTH} bytes when framed, and not a
     * multistream keyword.
     */
    public static boolean isProposable(String protocol) {
        if (protocol.isEmpty()
                || protocol.length() > MAX_PROTOCOL_ID_LENGTH
                || protocol.indexOf('\n') >= 0
                || protocol.equals(PROTOCOL_ID)
                || protocol.equals(NOT_AVAILABLE)
                || protocol.equals(LIST)) {
            return false;
        }
        try {
            // A strict encoder: an unpaired surrogate has no UTF-8 form (getBytes would send '?').
            int utf8Length = StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(protocol))
                    .remaining();
            return utf8Length < MAX_MESSAGE_LENGTH;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void requireProposable(String protocol) {
        if (!isProposable(protocol)) {
            throw new IllegalArgumentException("cannot propose " + MultistreamMessage.quote(protocol)
                    + ": a protocol id is 1 to " + MAX_PROTOCOL_ID_LENGTH
                    + " characters of valid Unicode without a newline and is not a multistream keyword");
        }
    }

    private static void expectHeader(InputStream in) throws IOException {
        String header = MultistreamMessage.read(in, "the " + PROTOCOL_ID + " header");
        if (!header.equals(PROTOCOL_ID)) {
            throw new ProtocolViolationException(
                    "expected the header " + PROTOCOL_ID + ", got " + MultistreamMessage.quote(header));
        }
    }

    private static void writeIgnoringFailure(OutputStream out, byte[] message) {
        try {
            out.write(message);
            out.flush();
        } catch (IOException e) {
            log.debug("ignoring a failed multistream write; later writes will report it: {}", e.toString());
        }
    }

    @FunctionalInterface
    private interface Negotiation {
        String run(InputStream in) throws IOException;
    }

    private static String withDeadline(
            InputStream in, ReadTimeout readTimeout, Duration timeout, Negotiation negotiation) throws IOException {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout);
        }
        if (timeout.isZero()) {
            return negotiation.run(in);
        }
        try {
            return negotiation.run(new DeadlineInputStream(in, readTimeout, timeout));
        } catch (SocketTimeoutException e) {
            SocketTimeoutException timedOut =
                    new SocketTimeoutException("multistream negotiation did not finish within " + timeout);
            timedOut.initCause(e);
            throw timedOut;
        } finally {
            try {
                readTimeout.set(Duration.ZERO);
            } catch (IOException e) {
                // The connection is already failing; the negotiation's own outcome says so.
                log.trace("could not clear the read timeout: {}", e.toString());
            }
        }
    }
}
