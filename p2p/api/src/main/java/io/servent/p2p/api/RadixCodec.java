package io.servent.p2p.api;

import java.util.Arrays;

/**
 * Big-number radix conversion with leading-zero preservation, the scheme behind base58btc and
 * base36: each leading zero byte becomes one leading zero digit and back, so the empty input and
 * the empty string encode each other. Quadratic in the input length, so decode input is bounded.
 * Immutable and thread-safe.
 */
final class RadixCodec {
    static final int MAX_DECODE_LENGTH = 4096;

    private final String name;
    private final char[] alphabet;
    private final int[] indexes = new int[128];

    RadixCodec(String name, String alphabet) {
        this.name = name;
        this.alphabet = alphabet.toCharArray();
        Arrays.fill(indexes, -1);
        for (int i = 0; i < this.alphabet.length; i++) {
            indexes[this.alphabet[i]] = i;
        }
    }

    String encode(byte[] input) {
        int base = alphabet.length;
        int zeros = 0;
        while (zeros < input.length && input[zeros] == 0) {
            zeros++;
        }
        byte[] number = Arrays.copyOf(input, input.length);
        char[] encoded = new char[input.length * 2 + 1];
        int out = encoded.length;
        int start = zeros;
        while (start < number.length) {
            encoded[--out] = alphabet[divmod(number, start, 256, base)];
            if (number[start] == 0) {
                start++;
            }
        }
        while (out < encoded.length && encoded[out] == alphabet[0]) {
            out++;
        }
        while (--zeros >= 0) {
            encoded[--out] = alphabet[0];
        }
        return new String(encoded, out, encoded.length - out);
    }

    byte[] decode(CharSequence input) {
        if (input.length() > MAX_DECODE_LENGTH) {
            throw new MultiformatException(
                    name + " input of " + input.length() + " characters exceeds " + MAX_DECODE_LENGTH);
        }
        int base = alphabet.length;
        byte[] digits = new byte[input.length()];
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            int digit = c < 128 ? indexes[c] : -1;
            if (digit < 0) {
                throw new MultiformatException(
                        String.format("invalid %s character U+%04X at position %d", name, (int) c, i));
            }
            digits[i] = (byte) digit;
        }
        int zeros = 0;
        while (zeros < digits.length && digits[zeros] == 0) {
            zeros++;
        }
        byte[] decoded = new byte[input.length()];
        int out = decoded.length;
        int start = zeros;
        while (start < digits.length) {
            decoded[--out] = (byte) divmod(digits, start, base, 256);
            if (digits[start] == 0) {
                start++;
            }
        }
        while (out < decoded.length && decoded[out] == 0) {
            out++;
        }
        return Arrays.copyOfRange(decoded, out - zeros, decoded.length);
    }

    /** Divides the big-endian number in {@code number[first..]} in place and returns the remainder. */
    private static int divmod(byte[] number, int first, int base, int divisor) {
        int remainder = 0;
        for (int i = first; i < number.length; i++) {
            int temp = remainder * base + (number[i] & 0xFF);
            number[i] = (byte) (temp / divisor);
            remainder = temp % divisor;
        }
        return remainder;
    }
}
