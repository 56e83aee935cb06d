package io.servent.node;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.host.HostLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a daemon runs with: the {@code servent.toml} settings after command-line overrides.
 * Immutable and thread-safe; start from {@link #defaults()}.
 *
 * @param listen libp2p addresses to listen on ({@code [network].listen})
 * @param api the control API's address; always a loopback address ({@code [api].listen})
 * @param agent the identify agent version sent to peers ({@code [identify].agent})
 * @param logLevel root log level: error, warn, info, debug or trace ({@code [log].level})
 * @param lowWater trim connections down to this many ({@code [limits].low_water})
 * @param highWater start trimming above this many connections ({@code [limits].high_water})
 * @param gracePeriod new connections are never trimmed before this age
 * @param limits the host's hard resource limits ({@code [limits].max_*})
 * @param services the peer-to-peer services and their settings (bootstrap, mDNS, DHT, pubsub, relay,
 *     AutoNAT)
 * @param files search and download settings ({@code [files]})
 */
public record NodeConfig(
        List<Multiaddr> listen,
        InetSocketAddress api,
        String agent,
        String logLevel,
        int lowWater,
        int highWater,
        Duration gracePeriod,
        HostLimits limits,
        NetworkServicesConfig services,
        FilesConfig files) {

    /** Port of the libp2p listeners by default (the port IPFS and many libp2p nodes use). */
    public static final int DEFAULT_P2P_PORT = 4001;

    /**
     * Port of the control API by default. Not 5001 (IPFS's API) nor 5173 (Vite's dev server, which
     * the web UI's developers will be running), so a servent coexists with both.
     */
    public static final int DEFAULT_API_PORT = 4080;

    public static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    public NodeConfig {
        listen = List.copyOf(listen);
        if (!api.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the control API listens on loopback only, not " + api);
        }
        logLevel = logLevel.toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new IllegalArgumentException(
                    "log level must be one of error, warn, info, debug, trace; not '" + logLevel + "'");
        }
        if (lowWater < 0 || highWater < lowWater) {
            throw new IllegalArgumentException(
                    "watermarks must satisfy 0 <= low_water <= high_water, got " + lowWater + " and " + highWater);
        }
    }

    public static NodeConfig defaults() {
        HostConfig host = HostConfig.defaults();
        return new NodeConfig(
                // IPv4 only: a JVM IPv6 socket is dual-stack, so an IPv6 wildcard on the same port
                // as the IPv4 one cannot be bound; servent.toml explains how to add IPv6.
                List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/" + DEFAULT_P2P_PORT)),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_API_PORT),
                ServentVersion.agent(),
                "info",
                host.lowWater(),
                host.highWater(),
                host.gracePeriod(),
                host.limits(),
                NetworkServicesConfig.defaults(),
                FilesConfig.defaults());
    }

    /** The host configuration these settings describe. */
    public HostConfig hostConfig() {
        return HostConfig.defaults()
                .withListenAddresses(listen)
                .withWatermarks(lowWater, highWater)
                .withGracePeriod(gracePeriod)
                .withLimits(limits);
    }

    public NodeConfig withListen(List<Multiaddr> value) {
        return new NodeConfig(value, api, agent, logLevel, lowWater, highWater, gracePeriod, limits, services, files);
    }

    public NodeConfig withApi(InetSocketAddress value) {
        return new NodeConfig(
                listen, value, agent, logLevel, lowWater, highWater, gracePeriod, limits, services, files);
    }

    public NodeConfig withApiPort(int port) {
        return withApi(new InetSocketAddress(api.getAddress(), port));
    }

    public NodeConfig withAgent(String value) {
        return new NodeConfig(listen, api, value, logLevel, lowWater, highWater, gracePeriod, limits, services, files);
    }

    public NodeConfig withLogLevel(String value) {
        return new NodeConfig(listen, api, agent, value, lowWater, highWater, gracePeriod, limits, services, files);
    }

    public NodeConfig withWatermarks(int low, int high) {
        return new NodeConfig(listen, api, agent, logLevel, low, high, gracePeriod, limits, services, files);
    }

    public NodeConfig withGracePeriod(Duration value) {
        return new NodeConfig(listen, api, agent, logLevel, lowWater, highWater, value, limits, services, files);
    }

    public NodeConfig withServices(NetworkServicesConfig value) {
        return new NodeConfig(listen, api, agent, logLevel, lowWater, highWater, gracePeriod, limits, value, files);
    }

    public NodeConfig withFiles(FilesConfig value) {
        return new NodeConfig(listen, api, agent, logLevel, lowWater, highWater, gracePeriod, limits, services, value);
    }

    public NodeConfig withLimits(HostLimits value) {
        return new NodeConfig(listen, api, agent, logLevel, lowWater, highWater, gracePeriod, value, services, files);
    }
}
