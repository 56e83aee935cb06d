package io.servent.apps.files;

import java.nio.file.Path;

/**
 * A shared directory. Files are shown to others as {@code <name>/<path inside root>}, never by their
 * local path.
 *
 * @param id database id
 * @param root the absolute, real directory
 * @param name its display name (the directory's own name)
 * @param access who may see it
 */
public record Share(long id, Path root, String name, ShareAccess access) {}
