package io.servent.apps.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files app's SQLite database ({@code <data>/files.db}): WAL journal, foreign keys on, and the
 * {@link FilesSchema} migrations applied on open, each recorded per area in {@code schema_version}.
 *
 * <p>Thread-safe: one connection, used under a lock by {@link #read} and {@link #write} (SQLite
 * serialises writers anyway, and the work done under the lock is short: no I/O besides SQLite's).
 * Never call back into the database from inside a {@link Work}.
 */
public final class FilesDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FilesDatabase.class);

    /** Database work with the connection; runs under the database lock. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private FilesDatabase(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating if needed) the database file and brings its schema up to date. */
    public static FilesDatabase open(Path file) throws IOException {
        return open(file, FilesSchema.ALL);
    }

    static FilesDatabase open(Path file, List<FilesMigration> migrations) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw new FilesDatabaseException("cannot open the files database " + file + ": " + e.getMessage(), e);
        }
        FilesDatabase db = new FilesDatabase(file, connection);
        try {
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("PRAGMA foreign_keys = ON");
                s.execute("PRAGMA busy_timeout = 5000");
            }
            db.migrate(migrations);
        } catch (SQLException e) {
            db.close();
            throw new FilesDatabaseException("cannot prepare the files database " + file + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    public Path file() {
        return file;
    }

    /** Runs read-only work. */
    public <T> T read(Work<T> work) throws IOException {
        lock.lock();
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw wrap(e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs work in one transaction: all of it commits, or none of it does. */
    public <T> T write(Work<T> work) throws IOException {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw wrap(e);
        } finally {
            lock.unlock();
        }
    }

    /** Database work with no result. */
    @FunctionalInterface
    public interface Step {
        void run(Connection connection) throws SQLException, IOException;
    }

    /** Runs {@code step} in one transaction, like {@link #write}. */
    public void update(Step step) throws IOException {
        write(c -> {
            step.run(c);
            return Boolean.TRUE;
        });
    }

    /** Applied version per area. */
    public Map<String, Integer> schemaVersions() throws IOException {
        return read(c -> {
            Map<String, Integer> versions = new HashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT area, version FROM schema_version")) {
                while (rs.next()) {
                    versions.put(rs.getString(1), rs.getInt(2));
                }
            }
            return versions;
        });
    }

    private void migrate(List<FilesMigration> migrations) throws IOException {
        update(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "area TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_ms INTEGER NOT NULL)");
            }
        });
        Map<String, Integer> applied = schemaVersions();
        for (FilesMigration m : migrations) {
            int current = applied.getOrDefault(m.area(), 0);
            if (m.version() <= current) {
                continue;
            }
            if (m.version() != current + 1) {
                throw new IllegalStateException("migration " + m.area() + " v" + m.version() + " follows v" + current);
            }
            update(c -> {
                try (Statement s = c.createStatement()) {
                    for (String sql : m.statements()) {
                        s.execute(sql);
                    }
                }
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO schema_version(area, version, applied_ms) VALUES (?, ?, ?) "
                                + "ON CONFLICT(area) DO UPDATE SET version = excluded.version, applied_ms = excluded.applied_ms")) {
                    p.setString(1, m.area());
                    p.setInt(2, m.version());
                    p.setLong(3, System.currentTimeMillis());
                    p.executeUpdate();
                }
            });
            applied.put(m.area(), m.version());
            log.info("files database {}: applied {} v{}", file, m.area(), m.version());
        }
    }

    private FilesDatabaseException wrap(SQLException e) {
        return new FilesDatabaseException("files database " + file + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("files database {}: close failed: {}", file, e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
