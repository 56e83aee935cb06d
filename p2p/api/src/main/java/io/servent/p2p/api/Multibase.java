package io.servent.p2p.api;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Self-describing base encodings: a one-character prefix names the base.
 *
 * @see <a href="https://github.com/multiformats/multibase">multibase</a>
 */
public enum Multibase {
    BASE16('f'),
    BASE16_UPPER('F'),
    BASE32('b'),
    BASE32_UPPER('B'),
    BASE36('k'),
    BASE36_UPPER('K'),
    BASE58_BTC('z'),
    BASE64('m'),
    BASE64_PAD('M'),
    BASE64_URL('u'),
    BASE64_URL_PAD('U');

    /** Encoded strings longer than this are refused before decoding. */
    public static final int MAX_ENCODED_LENGTH = 1 << 20;

    private static final RadixCodec BASE36_CODEC = new RadixCodec("base36", "0123456789abcdefghijklmnopqrstuvwxyz");
    private static final String BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private final char prefix;

    Multibase(char prefix) {
        this.prefix = prefix;
    }

    public char prefix() {
        return prefix;
    }

    /** Encodes with this base's prefix. */
    public String encode(byte[] data) {
        return prefix + encodeBare(data);
    }

    /** Encodes without the prefix. */
    public String encodeBare(byte[] data) {
        return switch (this) {
            case BASE16 -> HexFormat.of().formatHex(data);
            case BASE16_UPPER -> HexFormat.of().withUpperCase().formatHex(data);
            case BASE32 -> base32Encode(data);
            case BASE32_UPPER -> base32Encode(data).toUpperCase(Locale.ROOT);
            case BASE36 -> BASE36_CODEC.encode(data);
            case BASE36_UPPER -> BASE36_CODEC.encode(data).toUpperCase(Locale.ROOT);
            case BASE58_BTC -> Base58.encode(data);
            case BASE64 -> Base64.getEncoder().withoutPadding().encodeToString(data);
            case BASE64_PAD -> Base64.getEncoder().encodeToString(data);
            case BASE64_URL -> Base64.getUrlEncoder().withoutPadding().encodeToString(data);
            case BASE64_URL_PAD -> Base64.getUrlEncoder().encodeToString(data);
        };
    }

    /** Decodes without a prefix. */
    public byte[] decodeBare(String text) {
        if (text.length() > MAX_ENCODED_LENGTH) {
            throw new MultiformatException(
                    "multibase string of " + text.length() + " characters exceeds " + MAX_ENCODED_LENGTH);
        }
        try {
            return switch (this) {
                case BASE16 -> HexFormat.of().parseHex(requireCase(text, false));
                case BASE16_UPPER -> HexFormat.of().parseHex(requireCase(text, true));
                case BASE32 -> base32Decode(requireCase(text, false));
                case BASE32_UPPER -> base32Decode(requireCase(text, true).toLowerCase(Locale.ROOT));
                case BASE36 -> BASE36_CODEC.decode(requireCase(text, false));
                case BASE36_UPPER -> BASE36_CODEC.decode(requireCase(text, true).toLowerCase(Locale.ROOT));
                case BASE58_BTC -> Base58.decode(text);
                case BASE64 -> Base64.getDecoder().decode(requireUnpadded(text));
                case BASE64_PAD -> Base64.getDecoder().decode(text);
                case BASE64_URL -> Base64.getUrlDecoder().decode(requireUnpadded(text));
                case BASE64_URL_PAD -> Base64.getUrlDecoder().decode(text);
            };
        } catch (IllegalArgumentException e) {
            if (e instanceof MultiformatException) {
                throw e;
            }
            throw new MultiformatException(
                    "invalid " + name().toLowerCase(Locale.ROOT) + " text: " + e.getMessage(), e);
        }
    }

    /** Decodes a prefixed string. */
    public static byte[] decode(String text) {
        return baseOf(text).decodeBare(text.substring(1));
    }

    /** The base a prefixed string uses. */
    public static Multibase baseOf(String text) {
        if (text.isEmpty()) {
            throw new MultiformatException("empty multibase string");
        }
        char p = text.charAt(0);
        for (Multibase b : values()) {
            if (b.prefix == p) {
                return b;
            }
        }
        throw new MultiformatException("unknown or unsupported multibase prefix '" + p + "'");
    }

    private String requireCase(String text, boolean upper) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (upper ? Character.isLowerCase(c) : Character.isUpperCase(c)) {
                throw new MultiformatException("character '" + c + "' at position " + i + " has the wrong case for "
                        + name().toLowerCase(Locale.ROOT));
            }
        }
        return text;
    }

    private static String requireUnpadded(String text) {
        if (text.indexOf('=') >= 0) {
            throw new MultiformatException("unpadded base64 must not contain '='");
        }
        return text;
    }

    private static String base32Encode(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32_ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32_ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    private static byte[] base32Decode(String text) {
        int remainder = text.length() % 8;
        if (remainder == 1 || remainder == 3 || remainder == 6) {
            throw new MultiformatException("base32 text of " + text.length() + " characters has an impossible length");
        }
        byte[] out = new byte[text.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int v = BASE32_ALPHABET.indexOf(c);
            if (v < 0) {
                throw new MultiformatException("invalid base32 character '" + c + "' at position " + i);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new MultiformatException("base32 text has non-zero padding bits");
        }
        return out;
    }
}
