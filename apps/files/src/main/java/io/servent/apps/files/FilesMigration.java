package io.servent.apps.files;

import java.util.List;

/**
 * One schema step of one area of the files database (shares, downloads, reputation, …). Versions
 * count per area from 1, so areas evolve independently; a step runs once, in one transaction, and
 * is recorded in {@code schema_version}. Never edit a released step: add the next one.
 *
 * @param area owner of the tables, e.g. {@code "shares"}
 * @param version 1, 2, … within the area
 * @param statements SQL run in order
 */
public record FilesMigration(String area, int version, List<String> statements) {
    public FilesMigration {
        if (version < 1) {
            throw new IllegalArgumentException("migration versions start at 1, not " + version);
        }
        statements = List.copyOf(statements);
    }
}
