package io.servent.node;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a running daemon publishes in {@code daemon.json} so the CLI can find it: written atomically
 * once the daemon is up, deleted on clean exit. Immutable.
 *
 * @param pid the daemon's process id
 * @param apiUrl base URL of the control API, e.g. {@code http://127.0.0.1:4080}
 * @param peerId the daemon's PeerId
 * @param addresses its listen multiaddrs, with {@code /p2p/<id>}
 * @param version the servent version it runs
 */
public record RuntimeInfo(long pid, String apiUrl, String peerId, List<String> addresses, String version) {
    public static final String FILE_NAME = "daemon.json";
    private static final long MAX_SIZE = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    public RuntimeInfo {
        addresses = List.copyOf(addresses);
    }

    void write(Path file) throws IOException {
        AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    }

    /** The daemon's runtime file, if there is one and it parses. */
    public static Optional<RuntimeInfo> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (Files.size(file) > MAX_SIZE) {
            throw new IOException(file + " is larger than " + MAX_SIZE + " bytes; not a servent runtime file");
        }
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), RuntimeInfo.class));
        } catch (JacksonException e) {
            throw new IOException(file + " is not a valid servent runtime file: " + e.getOriginalMessage(), e);
        }
    }
}
