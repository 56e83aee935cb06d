package io.servent.node;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts as people write them: {@code 1048576}, {@code 64KiB}, {@code 256 MiB}, {@code 1.5GB}.
 * Binary units (KiB, MiB, GiB, TiB) are powers of 1024, decimal ones (kB, MB, GB, TB) powers of 1000.
 * Stateless and thread-safe.
 */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");

    private ByteSize() {}

    /** Parses a size; throws {@link IllegalArgumentException} with a message a person understands. */
    public static long parse(String text) {
        String trimmed = text.trim();
        Matcher m = SIZE.matcher(trimmed.toLowerCase(Locale.ROOT));
        if (trimmed.length() > 40 || !m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a size; write bytes or a number with a unit, e.g. 64MiB or 1GB");
        }
        long unit =
                switch (m.group(2)) {
                    case "", "b" -> 1L;
                    case "k", "kb" -> 1000L;
                    case "kib" -> 1L << 10;
                    case "m", "mb" -> 1000_000L;
                    case "mib" -> 1L << 20;
                    case "g", "gb" -> 1000_000_000L;
                    case "gib" -> 1L << 30;
                    case "t", "tb" -> 1000_000_000_000L;
                    case "tib" -> 1L << 40;
                    default ->
                        throw new IllegalArgumentException("unknown unit '" + m.group(2) + "' in '" + text
                                + "'; use B, kB, KiB, MB, MiB, GB, GiB, TB or TiB");
                };
        double value = Double.parseDouble(m.group(1)) * unit;
        if (value >= 0x1p63) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        if (unit == 1 && m.group(1).contains(".")) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes");
        }
        return Math.round(value);
    }

    /** A compact binary-unit form for output: {@code 512 B}, {@code 64 KiB}, {@code 1.5 GiB}. */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int i = 0;
        while (Math.abs(value) >= 1024 && i < units.length - 1) {
            value /= 1024;
            i++;
        }
        if (i == 0 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%d %s", Math.round(value), units[i]);
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[i]);
    }
}
