package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FilesDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void migratesOnceAndUsesWal() throws IOException {
        Path file = dir.resolve("files.db");
        try (FilesDatabase db = FilesDatabase.open(file)) {
            assertThat(db.schemaVersions()).containsEntry("shares", 1);
            String mode = db.read(c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(mode).isEqualToIgnoringCase("wal");
        }
        // Reopening applies nothing again; a new step of another area applies alone.
        List<FilesMigration> more = new java.util.ArrayList<>(FilesSchema.MIGRATIONS);
        more.add(new FilesMigration("test-area", 1, List.of("CREATE TABLE test_area (id INTEGER PRIMARY KEY)")));
        long areas = FilesSchema.MIGRATIONS.stream()
                .map(FilesMigration::area)
                .distinct()
                .count();
        try (FilesDatabase db = FilesDatabase.open(file, more)) {
            assertThat(db.schemaVersions()).containsEntry("shares", 1).containsEntry("test-area", 1);
        }
        try (FilesDatabase db = FilesDatabase.open(file, more)) {
            assertThat(db.schemaVersions()).hasSize((int) areas + 1);
        }
    }

    @Test
    void failedTransactionRollsBack() throws IOException {
        try (FilesDatabase db = FilesDatabase.open(dir.resolve("files.db"))) {
            assertThatThrownBy(() -> db.update(c -> {
                        try (Statement s = c.createStatement()) {
                            s.execute("INSERT INTO shares(root, name, everyone, created_ms) VALUES ('/x', 'x', 1, 0)");
                            s.execute("INSERT INTO no_such_table VALUES (1)");
                        }
                    }))
                    .isInstanceOf(FilesDatabaseException.class);
            assertThat(new ShareIndex(db).shares()).isEmpty();
        }
    }

    @Test
    void aMigrationThatFailsLeavesTheVersion() throws IOException {
        Path file = dir.resolve("files.db");
        List<FilesMigration> bad = List.of(new FilesMigration("x", 1, List.of("CREATE TABLE t (a)", "BROKEN SQL")));
        assertThatThrownBy(() -> FilesDatabase.open(file, bad)).isInstanceOf(FilesDatabaseException.class);
        try (FilesDatabase db = FilesDatabase.open(file, List.of())) {
            assertThat(db.schemaVersions()).doesNotContainKey("x");
        }
    }
}
