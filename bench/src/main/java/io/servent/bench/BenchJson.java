package io.servent.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** JSON lines between the bench processes. Thread-safe. */
final class BenchJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BenchJson() {}

    /** Prints {@code value} as one JSON line on stdout and flushes. */
    static void print(Object value) {
        String line = write(value);
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + line, e);
        }
    }
}
