package io.servent.node;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PrivateKey;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostLimits;
import io.servent.p2p.identify.IdentifyService;
import io.servent.p2p.noise.NoiseSecurity;
import io.servent.p2p.perf.PerfService;
import io.servent.p2p.ping.PingService;
import io.servent.p2p.tcp.TcpTransport;
import io.servent.p2p.yamux.YamuxConfig;
import io.servent.p2p.yamux.YamuxMuxer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running servent: the composition root that wires the host (TCP, Noise, Yamux) and its services
 * (identify, ping, perf, and the peer-to-peer {@link NetworkServices}: DHT, gossipsub, relay,
 * AutoNAT, mDNS, bootstrap) from the data directory and configuration, serves the control API and
 * publishes {@code daemon.json}. Used by {@code servent start} and, in-process, by tests and
 * {@code servent demo}.
 *
 * <p>Start with {@link #start}; stop with {@link #close()} (idempotent, bounded) or
 * {@link #requestShutdown()} from any thread, and wait with {@link #awaitClosed}. Thread-safe.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final DataDirectory dir;
    private final NodeConfig config;
    private final DaemonLock lock;
    private final BasicHost host;
    private final IdentifyService identify;
    private final PingService ping;
    private final PerfService perf;
    private final NetworkServices network;
    private final NodeService service;
    private @Nullable ControlApi api;
    private volatile @Nullable ApiFeatures features;
    private @Nullable RuntimeInfo runtime;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    private Daemon(DataDirectory dir, NodeConfig config, DaemonLock lock, PrivateKey key) {
        this.dir = dir;
        this.config = config;
        this.lock = lock;
        this.host = BasicHost.builder(key)
                .config(config.hostConfig())
                .transport(new TcpTransport())
                .security(new NoiseSecurity())
                .muxer(new YamuxMuxer(yamuxConfig(config.limits())))
                .build();
        this.identify = new IdentifyService(host, config.agent());
        this.ping = new PingService(host);
        this.perf = new PerfService(host);
        this.network = new NetworkServices(host, config.services());
        this.service = new NodeService(host, ping, perf, config.agent(), this::requestShutdown);
    }

    /** Starts a daemon on {@code dataDir} with its {@code servent.toml}. */
    public static Daemon start(Path dataDir) throws StartupException {
        return start(dataDir, UnaryOperator.identity());
    }

    /**
     * Starts a daemon on {@code dataDir}: creates the directory, takes its lock, writes the default
     * {@code servent.toml} if there is none, reads it, applies {@code overrides} (command-line flags),
     * loads or creates the identity and token, binds the listeners and the API, and writes
     * {@code daemon.json}. On failure everything acquired so far is released.
     */
    public static Daemon start(Path dataDir, UnaryOperator<NodeConfig> overrides) throws StartupException {
        DataDirectory dir = DataDirectory.create(dataDir);
        DaemonLock lock = dir.lock();
        Daemon daemon = null;
        try {
            NodeConfig defaults = NodeConfig.defaults();
            dir.writeConfigTemplateIfMissing(defaults);
            NodeConfig config;
            try {
                config = overrides.apply(ConfigFile.read(dir.configFile(), defaults));
            } catch (IllegalArgumentException e) {
                throw new StartupException(String.valueOf(e.getMessage()), e);
            }
            PrivateKey key = dir.loadOrCreateIdentity();
            ApiToken token = dir.loadOrCreateToken();
            daemon = new Daemon(dir, config, lock, key);
            daemon.features = ApiFeatures.open(daemon.host, dir, config, token);
            daemon.run(daemon.features);
            return daemon;
        } catch (StartupException | RuntimeException e) {
            if (daemon != null) {
                daemon.close();
            } else {
                lock.close();
            }
            throw e;
        }
    }

    private void run(ApiFeatures parts) throws StartupException {
        try {
            host.start();
        } catch (IOException e) {
            throw listenFailure(e);
        }
        network.start();
        parts.startSearch(host, network);
        DhtService dht = new DhtService(host, network.dht().orElse(null));
        PubsubService pubsub = new PubsubService(network.pubsub().orElse(null));
        List<ApiRoutes> routes = new ArrayList<>(parts.routes(this::loginUrl));
        routes.add((routesConfig, json) -> {
            DhtRoutes.register(routesConfig.routes, dht, json);
            PubsubRoutes.register(routesConfig.routes, pubsub, json);
            NetworkRoutes.register(routesConfig.routes, host, network);
        });
        ControlApi started = ControlApi.start(service, parts.access(), config.api(), routes);
        api = started;
        String apiUrl = "http://"
                + ControlApi.hostPort(new InetSocketAddress(config.api().getAddress(), started.port()));
        RuntimeInfo info = new RuntimeInfo(
                ProcessHandle.current().pid(),
                apiUrl,
                host.peerId().toString(),
                addresses().stream().map(Multiaddr::toString).toList(),
                ServentVersion.version());
        try {
            info.write(dir.runtimeFile());
        } catch (IOException e) {
            throw new StartupException("cannot write " + dir.runtimeFile() + ": " + e.getMessage(), e);
        }
        runtime = info;
        log.info("servent {} up: PeerId {}, control API {}", ServentVersion.version(), host.peerId(), apiUrl);
    }

    private StartupException listenFailure(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (ControlApi.causedBy(e, BindException.class)) {
            // TcpTransport says "cannot listen on <multiaddr>: <reason>"; keep the address, make the reason plain.
            int colon = message.indexOf(": ", "cannot listen on ".length());
            String what = message.startsWith("cannot listen on ") && colon > 0 ? message.substring(0, colon) : message;
            String reason = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : "")
                    .toLowerCase(java.util.Locale.ROOT);
            return new StartupException(
                    what + ": " + (reason.contains("in use") ? "address already in use" : reason)
                            + " (change [network].listen or pass --listen)",
                    e);
        }
        return new StartupException(message + " (check [network].listen or --listen)", e);
    }

    static YamuxConfig yamuxConfig(HostLimits limits) {
        YamuxConfig defaults = YamuxConfig.defaults();
        long buffered = limits.maxBufferedBytesPerConnection();
        return defaults.withMaxStreams(limits.maxStreamsPerConnection())
                .withMaxConnectionWindow(buffered)
                .withMaxStreamWindow((int) Math.min(defaults.maxStreamWindow(), buffered));
    }

    public BasicHost host() {
        return host;
    }

    public NetworkServices network() {
        return network;
    }

    /** The running control API (for tests that inspect its routes). */
    ControlApi controlApi() {
        ControlApi serving = api;
        if (serving == null) {
            throw new IllegalStateException("the daemon is not running");
        }
        return serving;
    }

    public NodeService service() {
        return service;
    }

    public NodeConfig config() {
        return config;
    }

    public DataDirectory dataDirectory() {
        return dir;
    }

    /** The listen addresses, each with {@code /p2p/<peerId>}, as peers dial them. */
    public List<Multiaddr> addresses() {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : host.advertisedAddresses()) {
            out.add(a.withPeerId(host.peerId()));
        }
        return out;
    }

    /** Base URL of the control API. */
    public String apiUrl() {
        RuntimeInfo info = runtime;
        if (info == null) {
            throw new IllegalStateException("the daemon is not running");
        }
        return info.apiUrl();
    }

    /**
     * A fresh one-time link that logs a browser into the web UI (sets the token cookie); valid once,
     * for a day.
     */
    public String loginUrl() {
        ApiFeatures parts = features;
        if (parts == null) {
            throw new IllegalStateException("the daemon is not running");
        }
        return apiUrl() + WebUiRoutes.LOGIN + "?token=" + parts.access().newLoginCode();
    }

    /** The bus for live events ({@code GET /api/v1/events}); services publish on it. */
    public EventBus events() {
        ApiFeatures parts = features;
        if (parts == null) {
            throw new IllegalStateException("the daemon is not running");
        }
        return parts.events();
    }

    /** Starts closing on a new thread and returns at once (for the API's shutdown route and signals). */
    public void requestShutdown() {
        if (!closing.get()) {
            Thread.ofPlatform().name("daemon-shutdown").start(this::close);
        }
    }

    /** Waits until the daemon has closed; false if {@code timeout} passed first. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the API, the services and the host, deletes {@code daemon.json} and releases the lock. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            try {
                closed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            ControlApi serving = api;
            if (serving != null) {
                closeQuietly("control API", serving);
            }
            ApiFeatures parts = features;
            if (parts != null) {
                closeQuietly("files, events and metrics", parts);
            }
            closeQuietly("network services", network);
            closeQuietly("identify", identify);
            closeQuietly("ping", ping);
            closeQuietly("perf", perf);
            closeQuietly("host", host);
            if (runtime != null) {
                try {
                    Files.deleteIfExists(dir.runtimeFile());
                    AtomicFile.syncDirectory(dir.root());
                } catch (IOException e) {
                    log.warn("cannot delete {}: {}", dir.runtimeFile(), e.getMessage());
                }
            }
            lock.close();
            if (runtime != null) {
                log.info("servent stopped");
            }
        } finally {
            closed.countDown();
        }
    }

    private static void closeQuietly(String what, AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", what, e.toString());
        }
    }

    @Override
    public String toString() {
        return "servent daemon " + host.peerId() + " on " + dir;
    }
}
