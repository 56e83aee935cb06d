package io.servent.cli;

import io.servent.node.ByteSize;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;

/**
 * Prints the demo's tour for an 80-column terminal: numbered steps with a short explanation,
 * indented detail lines, and a progress bar that redraws itself in place on a terminal (and prints
 * a line per quarter when the output is a file or a pipe). Use from one thread.
 */
final class DemoNarrator {
    static final int WIDTH = 80;

    private final PrintWriter out;
    private final boolean terminal;
    private int step;
    private int lastQuarter = -1;

    DemoNarrator(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A new numbered step: a title, then its explanation wrapped and indented. */
    void step(String title, String explanation) {
        step++;
        out.println();
        out.println(step + ". " + title);
        for (String line : wrap(explanation, WIDTH - 3)) {
            out.println("   " + line);
        }
        out.flush();
    }

    /** One indented detail line (shortened to fit). */
    void line(String text) {
        out.println(fit("   " + text));
        out.flush();
    }

    void plain(String text) {
        out.println(text);
        out.flush();
    }

    /** Draws (or redraws) a progress line; {@link #endProgress()} ends it. */
    void progress(long done, long size, double speedBps, @Nullable Long etaSeconds, int sources) {
        double fraction = size <= 0 ? 0 : Math.min(1.0, (double) done / size);
        int percent = (int) Math.floor(fraction * 100);
        String eta = etaSeconds == null ? "--" : etaSeconds + " s";
        String tail = String.format(
                " %3d%%  %s/s  ETA %s  %d source%s",
                percent, ByteSize.format((long) speedBps), eta, sources, sources == 1 ? "" : "s");
        int barWidth = Math.max(10, WIDTH - 6 - tail.length());
        int filled = (int) Math.round(fraction * barWidth);
        String bar = "   [" + "#".repeat(filled) + ".".repeat(barWidth - filled) + "]" + tail;
        if (terminal) {
            out.print("\r" + fit(bar) + "\u001b[K");
            out.flush();
        } else if (percent / 25 > lastQuarter) {
            lastQuarter = percent / 25;
            out.println(fit(bar));
            out.flush();
        }
    }

    void endProgress() {
        if (terminal) {
            out.println();
        }
        lastQuarter = -1;
        out.flush();
    }

    private static String fit(String text) {
        return text.length() < WIDTH ? text : text.substring(0, WIDTH - 2) + "…";
    }

    static java.util.List<String> wrap(String text, int width) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
