package io.servent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code servent.jar} as a real process with the JDK running the tests. */
final class ServentJar {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** What a finished command left behind. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private ServentJar() {}

    static Path jar() {
        String path = System.getProperty("servent.jar");
        assertThat(path).as("the servent.jar system property (set by failsafe)").isNotNull();
        Path jar = Path.of(path);
        assertThat(jar).as("the shaded jar; run through 'mvn verify'").exists();
        return jar;
    }

    static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-XX:G1HeapRegionSize=4m"); // as bin/servent starts it
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Starts a command without waiting for it (e.g. {@code pubsub sub}); its stdout goes to {@code out}. */
    static Process startCommand(Path out, String... args) throws IOException {
        return new ProcessBuilder(command(args))
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** Runs a command to completion (bounded) and returns its exit code and output. */
    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        Process process = new ProcessBuilder(command(args))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("servent " + String.join(" ", args) + " did not finish within " + COMMAND_TIMEOUT
                    + "\n" + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A {@code servent start} process on loopback with free ports. */
    static final class Daemon implements AutoCloseable {
        final Path data;
        final Process process;
        final Path out;
        final Path err;

        private Daemon(Path data, Process process, Path out, Path err) {
            this.data = data;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** Starts a daemon on {@code data} and waits until it has published {@code daemon.json}. */
        static Daemon start(Path data, Path workDir) throws IOException {
            return start(data, workDir, List.of());
        }

        /** Also passes {@code extra} arguments (e.g. {@code --bootstrap ADDR}); mDNS is always off. */
        static Daemon start(Path data, Path workDir, List<String> extra) throws IOException {
            List<String> args = new ArrayList<>(List.of(
                    "start",
                    "--data",
                    data.toString(),
                    "--listen",
                    "/ip4/127.0.0.1/tcp/0",
                    "--api-port",
                    "0",
                    "--no-mdns"));
            args.addAll(extra);
            // A daemon killed with SIGKILL leaves its runtime file behind; the new one writes its own.
            Files.deleteIfExists(data.resolve("daemon.json"));
            Path out = Files.createTempFile(workDir, "daemon-out", ".txt");
            Path err = Files.createTempFile(workDir, "daemon-err", ".txt");
            Process process = new ProcessBuilder(command(args.toArray(String[]::new)))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            Daemon daemon = new Daemon(data, process, out, err);
            Await.until(
                    Duration.ofSeconds(60),
                    () -> Files.exists(data.resolve("daemon.json")) || !process.isAlive(),
                    "the daemon on " + data + " is up");
            assertThat(process.isAlive())
                    .as("daemon alive; stderr:\n%s", daemon.stderr())
                    .isTrue();
            return daemon;
        }

        /** Runs a client command in-process (the command line's own code) against this daemon. */
        Result client(String... args) {
            picocli.CommandLine cli = Main.commandLine();
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            cli.setOut(new java.io.PrintWriter(out));
            cli.setErr(new java.io.PrintWriter(err));
            String[] all = java.util.Arrays.copyOf(args, args.length + 2);
            all[args.length] = "--data";
            all[args.length + 1] = data.toString();
            int code = cli.execute(all);
            return new Result(code, out.toString(), err.toString());
        }

        /** {@link #client}, which must succeed. */
        Result clientOk(String... args) {
            Result result = client(args);
            assertThat(result.exitCode())
                    .as("servent %s\n%s", String.join(" ", args), result)
                    .isZero();
            return result;
        }

        String stdout() {
            return read(out);
        }

        String stderr() {
            return read(err);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        /** Sends SIGTERM and returns the exit code, waiting at most {@code timeout}. */
        int terminate(Duration timeout) throws InterruptedException {
            process.destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the daemon did not exit within " + timeout + " of SIGTERM\n" + stderr());
            }
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
