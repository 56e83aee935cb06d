package io.servent.node;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servent data directory (default {@code ~/.servent}): the identity key, the API token, the
 * configuration, the daemon's lock and runtime file. Created owner-only (700); secrets are written
 * owner-only (600) and atomically. Methods that create files are meant to run under the
 * {@link DaemonLock}. Thread-safe.
 */
public final class DataDirectory {
    public static final String IDENTITY_FILE = "identity.key";
    public static final String TOKEN_FILE = "api.token";

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path root;

    private DataDirectory(Path root) {
        this.root = root;
    }

    /** {@code ~/.servent}. */
    public static Path defaultRoot() {
        return Path.of(System.getProperty("user.home"), ".servent");
    }

    /** The directory, without touching the file system (for clients that only read). */
    public static DataDirectory at(Path root) {
        return new DataDirectory(root.toAbsolutePath().normalize());
    }

    /** The directory, created owner-only if it does not exist yet. */
    public static DataDirectory create(Path root) throws StartupException {
        DataDirectory dir = at(root);
        Path path = dir.root;
        try {
            if (!Files.isDirectory(path)) {
                Files.createDirectories(path);
                if (AtomicFile.isPosix()) {
                    // Set explicitly: the umask may have masked bits, never added any, but be exact.
                    Files.setPosixFilePermissions(path, OWNER_DIR);
                }
                log.info("created data directory {}", dir.display());
            } else if (AtomicFile.isPosix()) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                if (permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
                    log.warn(
                            "data directory {} is accessible to other users ({}); run chmod 700 on it",
                            dir.display(),
                            PosixFilePermissions.toString(permissions));
                }
            }
        } catch (IOException e) {
            throw new StartupException("cannot create data directory " + dir.display() + ": " + e.getMessage(), e);
        }
        return dir;
    }

    public Path root() {
        return root;
    }

    /** The directory as a person would type it: {@code ~/.servent} under the home directory. */
    public String display() {
        Path home = Path.of(System.getProperty("user.home")).toAbsolutePath().normalize();
        return root.startsWith(home) && !root.equals(home) ? "~/" + home.relativize(root) : root.toString();
    }

    public Path configFile() {
        return root.resolve(ConfigFile.FILE_NAME);
    }

    public Path identityFile() {
        return root.resolve(IDENTITY_FILE);
    }

    public Path tokenFile() {
        return root.resolve(TOKEN_FILE);
    }

    public Path runtimeFile() {
        return root.resolve(RuntimeInfo.FILE_NAME);
    }

    DaemonLock lock() throws StartupException {
        return DaemonLock.acquire(root, display());
    }

    /** The node's identity: read from {@code identity.key}, or generated and saved on first run. */
    PrivateKey loadOrCreateIdentity() throws StartupException {
        Path file = identityFile();
        try {
            if (Files.exists(file)) {
                warnIfShared(file);
                if (Files.size(file) > PrivateKey.MAX_ENCODED_LENGTH) {
                    throw new StartupException(file + " is too large to be a libp2p private key");
                }
                return PrivateKey.unmarshal(Files.readAllBytes(file));
            }
            PrivateKey key = Ed25519PrivateKey.generate();
            AtomicFile.write(file, key.marshal());
            log.info("created identity {} in {}", key.publicKey().peerId(), file);
            return key;
        } catch (MultiformatException e) {
            throw new StartupException(
                    file + " is not a libp2p private key (" + e.getMessage()
                            + "); restore it from a backup, or move it away to create a new identity",
                    e);
        } catch (IOException e) {
            throw new StartupException("cannot read or create " + file + ": " + e.getMessage(), e);
        }
    }

    /** The API token: read from {@code api.token}, or generated and saved on first run. */
    ApiToken loadOrCreateToken() throws StartupException {
        Path file = tokenFile();
        try {
            Optional<ApiToken> existing = readToken();
            if (existing.isPresent()) {
                warnIfShared(file);
                return existing.get();
            }
            ApiToken token = ApiToken.generate();
            AtomicFile.write(file, (token.value() + "\n").getBytes(StandardCharsets.US_ASCII));
            return token;
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException(
                    "cannot use " + file + ": " + e.getMessage() + " (delete it to create a new token)", e);
        }
    }

    /** The token clients send, if the daemon has created one. */
    public Optional<ApiToken> readToken() throws IOException {
        Path file = tokenFile();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (Files.size(file) > 1024) {
            throw new IOException(file + " is too large to be an API token");
        }
        return Optional.of(ApiToken.of(Files.readString(file, StandardCharsets.US_ASCII)));
    }

    /** Writes the documented default {@code servent.toml} unless one exists. */
    void writeConfigTemplateIfMissing(NodeConfig defaults) throws StartupException {
        Path file = configFile();
        if (Files.exists(file)) {
            return;
        }
        try {
            AtomicFile.write(file, ConfigFile.template(defaults).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StartupException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public Optional<RuntimeInfo> readRuntimeInfo() throws IOException {
        return RuntimeInfo.read(runtimeFile());
    }

    private static void warnIfShared(Path file) throws IOException {
        if (AtomicFile.isPosix()) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!AtomicFile.OWNER_ONLY.containsAll(permissions)) {
                log.warn(
                        "{} is readable by other users ({}); run chmod 600 on it",
                        file,
                        PosixFilePermissions.toString(permissions));
            }
        }
    }

    @Override
    public String toString() {
        return display();
    }
}
