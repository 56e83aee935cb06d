package io.servent.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code bench/RESULTS.md} holds the results of several benchmarks, each in a section between
 * {@code <!-- section:NAME -->} and {@code <!-- /section:NAME -->}. A benchmark rewrites only its own
 * section, so running one benchmark never loses another's numbers; text outside the markers is kept.
 */
final class ResultsFile {
    private static final String TITLE = "# Benchmark results\n\n"
            + "Each section is written by the script named in it, from one run; every ratio compares numbers"
            + " measured in that same run.\n";

    private ResultsFile() {}

    /** Replaces section {@code name} of {@code file} with {@code markdown} (appended if new), atomically. */
    static void writeSection(Path file, String name, String markdown) throws IOException {
        String current = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : TITLE;
        String updated = replaceSection(current, name, markdown);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, updated, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String replaceSection(String document, String name, String markdown) {
        String begin = "<!-- section:" + name + " -->";
        String end = "<!-- /section:" + name + " -->";
        String block = begin + "\n" + markdown.strip() + "\n" + end + "\n";
        int from = document.indexOf(begin);
        int to = document.indexOf(end);
        if (from < 0 || to < from) {
            String base = document.endsWith("\n") ? document : document + "\n";
            return base + "\n" + block;
        }
        int after = to + end.length();
        if (after < document.length() && document.charAt(after) == '\n') {
            after++;
        }
        return document.substring(0, from) + block + document.substring(after);
    }
}
