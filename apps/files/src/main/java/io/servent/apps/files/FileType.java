package io.servent.apps.files;

import java.util.Locale;
import java.util.Set;

/** A coarse file kind for search filters, decided by the name's extension. */
@SuppressWarnings("ImmutableEnumChecker") // the sets are Set.of(...), immutable
public enum FileType {
    ANY(Set.of()),
    AUDIO(Set.of("mp3", "flac", "ogg", "opus", "wav", "m4a", "aac", "wma", "aiff")),
    VIDEO(Set.of("mp4", "mkv", "avi", "mov", "webm", "wmv", "mpg", "mpeg", "m4v")),
    IMAGE(Set.of("jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff", "svg", "heic")),
    DOCUMENT(Set.of(
            "pdf", "txt", "md", "doc", "docx", "odt", "rtf", "epub", "html", "xls", "xlsx", "ods", "ppt", "pptx", "odp",
            "csv")),
    ARCHIVE(Set.of("zip", "tar", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "iso", "deb", "rpm", "jar"));

    private final Set<String> extensions;

    FileType(Set<String> extensions) {
        this.extensions = extensions;
    }

    /** Lower-case extensions without the dot; empty for {@link #ANY}. */
    public Set<String> extensions() {
        return extensions;
    }

    public boolean matches(String fileName) {
        return this == ANY || extensions.contains(extension(fileName));
    }

    /** The lower-case text after the last dot, or "" (a leading dot is no extension). */
    public static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot <= 0 || dot == fileName.length() - 1
                ? ""
                : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
