package io.servent.p2p.api;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Self-describing base encodings: a one-character prefix names the base. Encoders write the
 * canonical form; decoders accept either case for the case-insensitive bases (base16, base32,
 * base36), as the multibase test vectors require, and refuse non-canonical padding or trailing
 * bits. Stateless and thread-safe.
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

    /** The spec's name, e.g. {@code base32upper}. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT).replace("_", "");
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
                    specName() + " string of " + text.length() + " characters exceeds " + MAX_ENCODED_LENGTH);
        }
        return switch (this) {
            case BASE16, BASE16_UPPER -> base16Decode(text);
            case BASE32, BASE32_UPPER -> base32Decode(text);
            case BASE36, BASE36_UPPER -> BASE36_CODEC.decode(asciiLowerCase(text));
            case BASE58_BTC -> Base58.decode(text);
            case BASE64, BASE64_PAD -> base64Decode(text, Base64.getDecoder());
            case BASE64_URL, BASE64_URL_PAD -> base64Decode(text, Base64.getUrlDecoder());
        };
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
        throw new MultiformatException(String.format("unknown or unsupported multibase prefix U+%04X", (int) p));
    }

    /** Lower-cases ASCII only, so no locale or Unicode case rule can turn junk into a digit. */
    private static String asciiLowerCase(String text) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    private byte[] base16Decode(String text) {
        if (text.length() % 2 != 0) {
            throw new MultiformatException(specName() + " text has an odd length " + text.length());
        }
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((hexDigit(text, 2 * i) << 4) | hexDigit(text, 2 * i + 1));
        }
        return out;
    }

    private int hexDigit(String text, int i) {
        char c = text.charAt(i);
        int v = c < 128 ? Character.digit(c, 16) : -1;
        if (v < 0) {
            throw new MultiformatException(invalidCharacter(c, i));
        }
        return v;
    }

    private String invalidCharacter(char c, int position) {
        return String.format("invalid %s character U+%04X at position %d", specName(), (int) c, position);
    }

    /** Java's decoders accept missing padding and ignore trailing bits; multibase wants one form. */
    private byte[] base64Decode(String text, Base64.Decoder decoder) {
        boolean padded = this == BASE64_PAD || this == BASE64_URL_PAD;
        if (!padded && text.indexOf('=') >= 0) {
            throw new MultiformatException(
                    specName() + " must not contain padding '=' (at position " + text.indexOf('=') + ")");
        }
        byte[] out;
        try {
            out = decoder.decode(text);
        } catch (IllegalArgumentException e) {
            throw new MultiformatException("invalid " + specName() + " text: " + e.getMessage(), e);
        }
        if (!encodeBare(out).equals(text)) {
            throw new MultiformatException("non-canonical " + specName() + " text: "
                    + (padded ? "padding must complete the last group and " : "")
                    + "unused trailing bits must be zero");
        }
        return out;
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

    /** RFC 4648 base32 without padding, either case; the unused low bits of the last character must be zero. */
    private byte[] base32Decode(String text) {
        int remainder = text.length() % 8;
        if (remainder == 1 || remainder == 3 || remainder == 6) {
            throw new MultiformatException(
                    specName() + " text of " + text.length() + " characters has an impossible length");
        }
        byte[] out = new byte[text.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
            int v = BASE32_ALPHABET.indexOf(lower);
            if (v < 0) {
                throw new MultiformatException(invalidCharacter(c, i));
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new MultiformatException(specName() + " text has non-zero unused bits in its last character");
        }
        return out;
    }
}
