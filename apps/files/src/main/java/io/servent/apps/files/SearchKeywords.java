package io.servent.apps.files;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Words of file names, normalised the same way everywhere a name is matched away from the SQLite
 * index (the directory server, query-routing tables, DHT keywords): split on anything but letters and
 * digits, lower-cased, accents removed — what FTS5's {@code unicode61 remove_diacritics} tokenizer
 * does for the local index. Stateless.
 */
public final class SearchKeywords {
    /** Words shorter than this are too common to route or publish on (they still match locally). */
    public static final int MIN_KEYWORD_LENGTH = 3;

    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private SearchKeywords() {}

    /** Every word of {@code text}, in order, without duplicates. */
    public static List<String> words(String text) {
        String folded = MARKS.matcher(Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD))
                .replaceAll("");
        Set<String> out = new LinkedHashSet<>();
        for (String w : SEPARATORS.split(folded)) {
            if (!w.isEmpty() && w.length() <= FileQuery.MAX_WORD_LENGTH) {
                out.add(w);
            }
        }
        return List.copyOf(out);
    }

    /** A query word folded the same way (FileQuery lower-cases but keeps accents). */
    public static String fold(String word) {
        return MARKS.matcher(Normalizer.normalize(word.toLowerCase(Locale.ROOT), Normalizer.Form.NFD))
                .replaceAll("");
    }

    /** Whether every query word is a prefix of some word of {@code name}, as the local index matches. */
    public static boolean matches(FileQuery query, List<String> nameWords) {
        for (String q : query.words()) {
            String f = fold(q);
            boolean found = false;
            for (String w : nameWords) {
                if (w.startsWith(f)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /** Whether the name's type and the size pass the query's filters. */
    public static boolean passesFilters(FileQuery query, String name, long size) {
        return size >= query.minSize()
                && size <= query.maxSize()
                && query.type().matches(name);
    }
}
