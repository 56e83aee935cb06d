package io.servent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process the runner started: commands go to its stdin one line at a time, its stdout lines are
 * queued for {@link #awaitLine}, its stderr goes to a log file. Close it to end it. Used by the
 * runner's thread only.
 */
final class ChildProcess implements AutoCloseable {
    private static final String EOF = "\u0000eof";

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path stderr;

    private ChildProcess(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofVirtual().name("stdout-" + name).start(this::pump);
    }

    static ChildProcess start(String name, List<String> command, Path logDir) throws IOException {
        Files.createDirectories(logDir);
        Path err = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
        return new ChildProcess(name, builder.start(), err);
    }

    /** Queues stdout lines for the runner and keeps a copy next to the stderr log. */
    private void pump() {
        Path copy = stderr.resolveSibling(name + ".out");
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer log = Files.newBufferedWriter(copy, StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                log.write(line);
                log.write('\n');
                log.flush();
            }
        } catch (IOException e) {
            // The process ended; EOF below tells the waiter.
        }
        lines.add(EOF);
    }

    /** Waits for the process to end by itself; returns its stdout lines not yet consumed. */
    List<String> awaitExit(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> rest = new java.util.ArrayList<>();
        while (true) {
            String line;
            try {
                long left = deadline - System.nanoTime();
                line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + name);
            }
            if (line == null) {
                process.destroyForcibly();
                throw new IOException(
                        name + " did not finish within " + timeout.toSeconds() + " s (see " + stderr + ")");
            }
            if (line.equals(EOF)) {
                lines.add(EOF);
                try {
                    int code = process.waitFor();
                    if (code != 0) {
                        throw new IOException(name + " exited with " + code + " (see " + stderr + ")");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted waiting for " + name);
                }
                return rest;
            }
            rest.add(line);
        }
    }

    long pid() {
        return process.pid();
    }

    /** User plus system CPU time the process has used so far, all threads. */
    double cpuSeconds() throws IOException {
        return ProcessCpu.seconds(process.pid());
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /** The next stdout line matching {@code wanted}; other lines are skipped. */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line;
            try {
                line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + name);
            }
            if (line == null) {
                throw new IOException(
                        name + " said nothing expected within " + timeout.toSeconds() + " s (see " + stderr + ")");
            }
            if (line.equals(EOF)) {
                lines.add(EOF);
                throw new IOException(name + " ended (see " + stderr + ")");
            }
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** The next JSON line on stdout; one with an {@code error} field fails. */
    JsonNode awaitJson(Duration timeout) throws IOException {
        JsonNode json = BenchJson.parse(awaitLine(l -> l.startsWith("{"), timeout));
        if (json.has("error")) {
            throw new IOException(name + ": " + json.get("error").asText());
        }
        return json;
    }

    /** Sends a command and returns its JSON answer. */
    JsonNode command(String command, Duration timeout) throws IOException {
        send(command);
        return awaitJson(timeout);
    }

    @Override
    public void close() {
        try {
            send("quit");
            stdin.close();
        } catch (IOException e) {
            // Already gone.
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
