package io.servent.p2p.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Each multiaddr protocol's value: its string notation, its bytes, and the checks that make both
 * forms strict. Every value that passes {@link #validate} prints to text that parses back to the
 * same bytes. Stateless and thread-safe.
 */
final class MultiaddrValueCodec {
    /** The longest value of a variable-size protocol, in bytes. */
    static final int MAX_VALUE_LENGTH = 512;

    /** Text may expand a value (percent-escapes triple it); longer text cannot be a valid value. */
    private static final int MAX_VALUE_TEXT_LENGTH = 3 * MAX_VALUE_LENGTH + 8;

    private static final int MAX_DNS_LENGTH = 255;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private MultiaddrValueCodec() {}

    /** The bytes of a value written in {@code protocol}'s string notation. */
    static byte[] fromText(MultiaddrProtocol protocol, String text) {
        if (text.length() > MAX_VALUE_TEXT_LENGTH) {
            throw new MultiformatException(
                    protocol.protocolName() + " value of " + text.length() + " characters is too long");
        }
        byte[] value =
                switch (protocol) {
                    case IP4 -> IpText.parseIp4(text);
                    case IP6 -> IpText.parseIp6(text);
                    case TCP, UDP, DCCP, SCTP -> portBytes(protocol, text);
                    case IPCIDR -> new byte[] {(byte) decimal(protocol, text, 255)};
                    case MEMORY -> memory(text);
                    case P2P -> PeerId.parse(text).bytes();
                    case ONION -> onion(protocol, text, 16, 10);
                    case ONION3 -> onion(protocol, text, 56, 35);
                    case CERTHASH -> Multibase.decode(text);
                    case HTTP_PATH -> percentDecode(protocol, text);
                    default -> utf8Bytes(protocol, text);
                };
        validate(protocol, value);
        return value;
    }

    /** The string notation of a value that passed {@link #validate}. */
    static String toText(MultiaddrProtocol protocol, byte[] value) {
        return switch (protocol) {
            case IP4 -> IpText.formatIp4(value, 0);
            case IP6 -> IpText.formatIp6(value);
            case TCP, UDP, DCCP, SCTP -> Integer.toString(port(value));
            case IPCIDR -> Integer.toString(value[0] & 0xFF);
            case MEMORY -> Long.toUnsignedString(ByteBuffer.wrap(value).getLong());
            case P2P -> PeerId.fromBytes(value).toString();
            case ONION, ONION3 -> {
                int host = value.length - 2;
                yield Multibase.BASE32.encodeBare(Arrays.copyOf(value, host)) + ":"
                        + port(Arrays.copyOfRange(value, host, value.length));
            }
            case CERTHASH -> Multibase.BASE64_URL.encode(value);
            case HTTP_PATH -> percentEncode(value);
            default -> new String(value, StandardCharsets.UTF_8);
        };
    }

    /** Checks a value's length and content for {@code protocol}, as read from the binary form. */
    static void validate(MultiaddrProtocol protocol, byte[] value) {
        String name = protocol.protocolName();
        if (!protocol.hasValue()) {
            if (value.length != 0) {
                throw new MultiformatException(name + " takes no value, got " + value.length + " bytes");
            }
            return;
        }
        if (protocol.isVariableSize()) {
            if (value.length == 0 || value.length > MAX_VALUE_LENGTH) {
                throw new MultiformatException(
                        name + " values are 1 to " + MAX_VALUE_LENGTH + " bytes, not " + value.length);
            }
        } else if (value.length != protocol.fixedSize()) {
            throw new MultiformatException(
                    name + " values are " + protocol.fixedSize() + " bytes, not " + value.length);
        }
        switch (protocol) {
            case P2P -> nested(protocol, () -> PeerId.fromBytes(value));
            case CERTHASH -> nested(protocol, () -> Multihash.decode(value));
            case ONION, ONION3 -> {
                if (port(Arrays.copyOfRange(value, value.length - 2, value.length)) == 0) {
                    throw new MultiformatException(name + " port must be 1 to 65535, not 0");
                }
            }
            case UNIX -> {
                String path = utf8String(protocol, value);
                if (path.length() < 2 || path.charAt(0) != '/' || path.endsWith("/")) {
                    throw new MultiformatException(
                            "unix path '" + path + "' must be absolute, non-empty and not end with '/'");
                }
            }
            case DNS, DNS4, DNS6, DNSADDR, SNI, IP6ZONE -> {
                String s = utf8String(protocol, value);
                if (s.indexOf('/') >= 0 || value.length > MAX_DNS_LENGTH) {
                    throw new MultiformatException(name + " value '" + s + "' must be 1 to 255 bytes without '/'");
                }
            }
            default -> {}
        }
    }

    /** Runs a nested format's check, naming the protocol in its complaint. */
    private static void nested(MultiaddrProtocol protocol, Runnable check) {
        try {
            check.run();
        } catch (MultiformatException e) {
            throw new MultiformatException(protocol.protocolName() + " value: " + e.getMessage(), e);
        }
    }

    static int port(byte[] value) {
        return ((value[0] & 0xFF) << 8) | (value[1] & 0xFF);
    }

    private static byte[] portBytes(MultiaddrProtocol protocol, String text) {
        int port = decimal(protocol, text, 65535);
        return new byte[] {(byte) (port >> 8), (byte) port};
    }

    /** A decimal number of at most five ASCII digits, no sign, at most {@code max}. */
    private static int decimal(MultiaddrProtocol protocol, String text, int max) {
        if (text.isEmpty() || text.length() > 5 || !isAsciiDigits(text)) {
            throw new MultiformatException(
                    "'" + text + "' is not a valid " + protocol.protocolName() + " number (0 to " + max + ")");
        }
        int n = Integer.parseInt(text);
        if (n > max) {
            throw new MultiformatException(
                    text + " is out of range for " + protocol.protocolName() + " (0 to " + max + ")");
        }
        return n;
    }

    private static boolean isAsciiDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static byte[] memory(String text) {
        if (text.isEmpty() || text.length() > 20 || !isAsciiDigits(text)) {
            throw new MultiformatException("'" + text + "' is not a valid memory address (an unsigned 64-bit number)");
        }
        try {
            return ByteBuffer.allocate(8).putLong(Long.parseUnsignedLong(text)).array();
        } catch (NumberFormatException e) {
            throw new MultiformatException("memory address " + text + " exceeds 64 bits", e);
        }
    }

    /** {@code <base32 host>:<port>}: 16 characters (10 bytes) for onion, 56 (35 bytes) for onion3. */
    private static byte[] onion(MultiaddrProtocol protocol, String text, int hostChars, int hostBytes) {
        int colon = text.indexOf(':');
        if (colon != hostChars) {
            throw new MultiformatException(protocol.protocolName() + " address '" + text + "' must be " + hostChars
                    + " base32 characters, ':' and a port");
        }
        byte[] host = Multibase.BASE32.decodeBare(text.substring(0, colon));
        int port = decimal(protocol, text.substring(colon + 1), 65535);
        byte[] out = Arrays.copyOf(host, hostBytes + 2);
        out[hostBytes] = (byte) (port >> 8);
        out[hostBytes + 1] = (byte) port;
        return out;
    }

    private static byte[] utf8Bytes(MultiaddrProtocol protocol, String text) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(text));
            byte[] out = new byte[encoded.remaining()];
            encoded.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new MultiformatException(protocol.protocolName() + " value is not valid Unicode text", e);
        }
    }

    private static String utf8String(MultiaddrProtocol protocol, byte[] value) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MultiformatException(protocol.protocolName() + " value is not valid UTF-8", e);
        }
    }

    /**
     * Percent-escapes all but RFC 3986's unreserved characters, so the text is one URI path segment
     * (as the http-path spec asks) that every implementation's decoder reads back.
     */
    private static String percentEncode(byte[] value) {
        StringBuilder sb = new StringBuilder(value.length * 3);
        for (byte b : value) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return sb.toString();
    }

    /** Decodes percent-escapes; other characters stand for their UTF-8 bytes ('+' is a plus, not a space). */
    private static byte[] percentDecode(MultiaddrProtocol protocol, String text) {
        byte[] raw = utf8Bytes(protocol, text);
        byte[] out = new byte[raw.length];
        int n = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != '%') {
                out[n++] = raw[i];
                continue;
            }
            int high = i + 1 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
            int low = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
            if (high < 0 || low < 0) {
                throw new MultiformatException(
                        protocol.protocolName() + " value '" + text + "' has a malformed percent-escape at byte " + i);
            }
            out[n++] = (byte) ((high << 4) | low);
            i += 2;
        }
        return Arrays.copyOf(out, n);
    }
}
