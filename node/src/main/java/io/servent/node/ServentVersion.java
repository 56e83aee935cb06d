package io.servent.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The servent version, from the Maven project version baked into {@code version.properties}. Thread-safe. */
public final class ServentVersion {
    private static final String VERSION = load();

    private ServentVersion() {}

    /** e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    /** The identify agent string, e.g. {@code servent/0.1.0-SNAPSHOT}. */
    public static String agent() {
        return "servent/" + VERSION;
    }

    private static String load() {
        try (InputStream in = ServentVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String value = properties.getProperty("version", "unknown");
            // Unfiltered (e.g. run from an IDE without Maven): better "dev" than a placeholder.
            return value.startsWith("${") ? "dev" : value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version.properties", e);
        }
    }
}
