package io.servent.p2p.multistream;

import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Varint;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The multistream-select message framing: an unsigned varint holding the length of the rest, the
 * UTF-8 text, and a {@code '\n'} that the length counts. Stateless and thread-safe.
 *
 * <p>Reading takes exactly the varint and the bytes it announces, one read call at a time and
 * without a buffer, because whatever follows on the stream belongs to the negotiated protocol.
 */
final class MultistreamMessage {
    /** Error messages quote at most this much of what the remote sent. */
    private static final int MAX_QUOTED = 64;

    private MultistreamMessage() {}

    /** Appends {@code text} framed as one message. The caller has validated it. */
    static void writeTo(ByteArrayOutputStream out, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(Varint.encode(utf8.length + 1L));
        out.writeBytes(utf8);
        out.write('\n');
    }

    static byte[] encode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 4);
        writeTo(out, text);
        return out.toByteArray();
    }

    /**
     * The reply to {@code ls}: one message whose body is each protocol framed as a message, then a
     * final {@code '\n'} (the layout go-multistream and rust-libp2p write and parse). Ids that could
     * not be proposed, and protocols that would push the body past {@code maxLength} bytes, are left
     * out.
     */
    static byte[] encodeList(Collection<String> protocols, int maxLength) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String protocol : protocols) {
            if (!Multistream.isProposable(protocol)) {
                continue;
            }
            byte[] entry = encode(protocol);
            // +1 for the body's own closing newline.
            if (body.size() + entry.length + 1 > maxLength) {
                break;
            }
            body.writeBytes(entry);
        }
        body.write('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 3);
        out.writeBytes(Varint.encode(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /**
     * Reads one message and returns its text without the newline.
     *
     * @param expected what the negotiation waits for, for the error message
     * @throws EOFException if the stream ends before or inside the message
     * @throws ProtocolViolationException if the message is empty, too long, lacks its newline, is not
     *     UTF-8 or its text is longer than a protocol id may be
     */
    static String read(InputStream in, String expected) throws IOException {
        long length;
        try {
            length = Varint.read(in);
        } catch (ProtocolViolationException e) {
            throw new ProtocolViolationException(
                    "bad length prefix while waiting for " + expected + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new EOFException("stream ended inside a length prefix while waiting for " + expected);
        }
        if (length < 0) {
            throw new EOFException("stream ended while waiting for " + expected);
        }
        if (length == 0) {
            throw new ProtocolViolationException("empty message (no trailing newline) while waiting for " + expected);
        }
        if (length > Multistream.MAX_MESSAGE_LENGTH) {
            throw new ProtocolViolationException("message of " + length + " bytes exceeds the limit of "
                    + Multistream.MAX_MESSAGE_LENGTH + " bytes while waiting for " + expected);
        }
        int size = (int) length;
        byte[] message = in.readNBytes(size);
        if (message.length != size) {
            throw new EOFException("stream ended after " + message.length + " of " + size
                    + " message bytes while waiting for " + expected);
        }
        if (message[size - 1] != '\n') {
            throw new ProtocolViolationException("message does not end with a newline while waiting for " + expected);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message, 0, size - 1))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolViolationException("message is not valid UTF-8 while waiting for " + expected, e);
        }
        if (text.length() > Multistream.MAX_PROTOCOL_ID_LENGTH) {
            throw new ProtocolViolationException("message of " + text.length() + " characters exceeds the limit of "
                    + Multistream.MAX_PROTOCOL_ID_LENGTH + " for a protocol id while waiting for " + expected);
        }
        return text;
    }

    /** The remote's text, shortened and with control characters escaped, fit for a log or an exception. */
    static String quote(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_QUOTED) + 8).append('\'');
        for (int i = 0; i < text.length() && i < MAX_QUOTED; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (text.length() > MAX_QUOTED) {
            sb.append("…");
        }
        return sb.append('\'').toString();
    }
}
