package io.servent.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The demo's generated sample files: a few text and audio-named files per peer, one file that
 * several peers hold byte for byte (so a search finds several sources), and a large file for the
 * multi-source download. Contents are pseudo-random but derived from the file name, so equal names
 * mean equal bytes on every peer. Stateless; safe from any thread.
 */
final class DemoSamples {
    /** The large file that several peers share: the multi-source download. */
    static final String LARGE_NAME = "servent-demo-film.mkv";

    /** A file every other peer holds. */
    static final String COMMON_NAME = "ocean-waves.mp3";

    private static final String[] SONGS = {
        "morning-birdsong", "city-at-night", "rain-on-a-tin-roof", "harbour-bells", "mountain-wind", "night-train"
    };

    private DemoSamples() {}

    /**
     * Fills {@code dir} with peer {@code number}'s files (1-based); the large file only when
     * {@code largeSize} is positive.
     */
    static void write(Path dir, int number, long largeSize) throws IOException {
        Files.createDirectories(dir);
        String song = SONGS[(number - 1) % SONGS.length];
        writeText(dir.resolve("notes-from-peer-" + number + ".txt"), number);
        writeRandom(dir.resolve(song + ".mp3"), 192 * 1024L * number);
        writeRandom(dir.resolve("field-recording-" + number + ".ogg"), 96 * 1024L + 4096L * number);
        if (number % 2 == 0) {
            writeRandom(dir.resolve(COMMON_NAME), 640 * 1024L);
        }
        if (largeSize > 0) {
            writeRandom(dir.resolve(LARGE_NAME), largeSize);
        }
    }

    private static void writeText(Path file, int number) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 80; i++) {
            text.append("Line ")
                    .append(i)
                    .append(" of peer ")
                    .append(number)
                    .append("'s notes: shared with servent, found by search, fetched block by block.\n");
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Writes {@code size} bytes derived from the file name. */
    private static void writeRandom(Path file, long size) throws IOException {
        SplittableRandom random =
                new SplittableRandom(file.getFileName().toString().hashCode());
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                random.nextBytes(chunk);
                out.write(chunk, 0, n);
                left -= n;
            }
        }
    }
}
