package io.servent.apps.files;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A file search: every word must match the start of a word in the file's name or folders
 * (case- and accent-insensitive), the type must match the extension, and the size must be in
 * {@code [minSize, maxSize]}. Bounded, since queries arrive from peers. Immutable.
 *
 * @param words 1 to {@link #MAX_WORDS} words of letters and digits, each at most {@link #MAX_WORD_LENGTH}
 *     characters (other characters separate words, as in names)
 */
public record FileQuery(List<String> words, FileType type, long minSize, long maxSize) {
    public static final int MAX_WORDS = 8;
    public static final int MAX_WORD_LENGTH = 64;

    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");

    public FileQuery {
        words = normalise(words);
        if (minSize < 0 || maxSize < minSize) {
            throw new IllegalArgumentException("size range [" + minSize + ", " + maxSize + "] is empty or negative");
        }
    }

    /** Any type and size. */
    public static FileQuery of(String text) {
        return new FileQuery(List.of(text), FileType.ANY, 0, Long.MAX_VALUE);
    }

    public FileQuery withType(FileType value) {
        return new FileQuery(words, value, minSize, maxSize);
    }

    public FileQuery withSize(long min, long max) {
        return new FileQuery(words, type, min, max);
    }

    /** Splits on anything but letters and digits, lower-cases, drops empties; enforces the bounds. */
    private static List<String> normalise(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String text : raw) {
            for (String word :
                    SEPARATORS.splitAsStream(text.toLowerCase(Locale.ROOT)).toList()) {
                if (word.isEmpty()) {
                    continue;
                }
                if (word.length() > MAX_WORD_LENGTH) {
                    throw new IllegalArgumentException(
                            "query word of " + word.length() + " characters exceeds " + MAX_WORD_LENGTH);
                }
                if (!out.contains(word)) {
                    out.add(word);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("a query needs at least one word of letters or digits");
        }
        if (out.size() > MAX_WORDS) {
            throw new IllegalArgumentException("query has " + out.size() + " words; the limit is " + MAX_WORDS);
        }
        return List.copyOf(out);
    }
}
