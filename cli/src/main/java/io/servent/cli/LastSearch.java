package io.servent.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servent.node.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The numbering of the last {@code servent search}, kept in {@code <data>/last-search.json} so
 * {@code servent get 3} means the third result. Not thread-safe; one command uses it at a time.
 */
final class LastSearch {
    static final String FILE = "last-search.json";
    private static final long MAX_BYTES = 4 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Result {@code number} (from 1). */
    record Entry(int number, String cid, String name, long size) {}

    record Saved(String query, List<Entry> results) {}

    private LastSearch() {}

    static void save(DataDirectory dir, Saved saved) throws IOException {
        Path file = dir.root().resolve(FILE);
        Path temp = dir.root().resolve(FILE + ".tmp");
        Files.write(temp, JSON.writeValueAsBytes(saved));
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static Optional<Saved> load(DataDirectory dir) throws IOException {
        Path file = dir.root().resolve(FILE);
        if (!Files.exists(file) || Files.size(file) > MAX_BYTES) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Saved.class));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }
}
