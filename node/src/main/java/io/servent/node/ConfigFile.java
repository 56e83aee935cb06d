package io.servent.node;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.autonat.Reachability;
import io.servent.p2p.host.BootstrapConfig;
import io.servent.p2p.host.HostLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * {@code servent.toml}: parses it into a {@link NodeConfig} and writes the commented template that
 * documents every key with its default. Each key is declared once in {@link #SETTINGS}, so the
 * template and the parser cannot drift apart. Problems are reported all at once, each with its
 * {@code [section].key} and the file. Stateless and thread-safe.
 */
public final class ConfigFile {
    public static final String FILE_NAME = "servent.toml";

    /** A config larger than this is not a config; refuse before parsing. */
    private static final long MAX_SIZE = 256 * 1024;

    private static final int MAX_LISTEN_ADDRESSES = 32;

    /** One key: where it lives, how it is documented, how its default is written and how it is applied. */
    private record Setting(
            String section,
            String key,
            String doc,
            java.util.function.Function<NodeConfig, String> defaultValue,
            BiFunction<Draft, JsonNode, @Nullable String> apply) {
        String name() {
            return "[" + section + "]." + key;
        }
    }

    /** The config being built, plus values that are checked together once all keys are read. */
    private static final class Draft {
        NodeConfig config;
        HostLimits limits;
        int lowWater;
        int highWater;
        int autonatTotal;
        int autonatPerPeer;

        Draft(NodeConfig base) {
            this.config = base;
            this.limits = base.limits();
            this.lowWater = base.lowWater();
            this.highWater = base.highWater();
            this.autonatTotal = base.services().autonatMaxRequests();
            this.autonatPerPeer = base.services().autonatMaxRequestsPerPeer();
        }
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting(
                    "network",
                    "listen",
                    """
                    libp2p multiaddrs to listen on; port 0 picks a free port. A JVM IPv6 socket also accepts
                    IPv4 on its port, so add IPv6 beside the IPv4 wildcard on another port, e.g.
                      listen = ["/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4002"]""",
                    c -> c.listen().stream().map(a -> quote(a.toString())).collect(Collectors.joining(", ", "[", "]")),
                    ConfigFile::applyListen),
            new Setting(
                    "network",
                    "bootstrap",
                    """
                    Peers to connect to at start and to reconnect to (with backoff) whenever the connection
                    drops, e.g. ["/ip4/192.0.2.7/tcp/4001/p2p/12D3KooW..."]. With /p2p/<PeerId> the handshake
                    must prove that peer; they also seed the DHT.""",
                    c -> addresses(c.services().bootstrap()),
                    (d, v) -> multiaddrs(
                            v, BootstrapConfig.MAX_PEERS, false, list -> services(d, s -> s.withBootstrap(list)))),
            new Setting(
                    "network",
                    "min_connections",
                    "Below this many connections, dial peers this node has addresses for (0: only bootstrap peers).",
                    c -> Integer.toString(c.services().minConnections()),
                    (d, v) -> nonNegativeInt(v, n -> services(d, s -> s.withMinConnections(n)))),
            new Setting("api", "listen", """
                    host:port of the local control API (HTTP + JSON, used by the servent command). Loopback
                    only: every request needs the token in api.token, and there is no TLS.""", c -> quote(hostPort(c.api())), ConfigFile::applyApi),
            new Setting(
                    "identify",
                    "agent",
                    "What this node tells peers it runs (the identify agent version).",
                    c -> quote(c.agent()),
                    ConfigFile::applyAgent),
            new Setting(
                    "log",
                    "level",
                    "How much the daemon logs: error, warn, info, debug or trace.",
                    c -> quote(c.logLevel()),
                    ConfigFile::applyLogLevel),
            new Setting(
                    "limits",
                    "low_water",
                    "When trimming, close connections down to this many.",
                    c -> Integer.toString(c.lowWater()),
                    (d, v) -> nonNegativeInt(v, n -> d.lowWater = n)),
            new Setting(
                    "limits",
                    "high_water",
                    "Trim connections (least useful first) once more than this many are open.",
                    c -> Integer.toString(c.highWater()),
                    (d, v) -> nonNegativeInt(v, n -> d.highWater = n)),
            new Setting(
                    "limits",
                    "grace_period_seconds",
                    "New connections are never trimmed before they are this old.",
                    c -> Long.toString(c.gracePeriod().toSeconds()),
                    (d, v) -> nonNegativeInt(v, n -> d.config = d.config.withGracePeriod(Duration.ofSeconds(n)))),
            limit(
                    "max_connections",
                    "Open connections in total; more are refused.",
                    HostLimits::maxConnections,
                    HostLimits::withMaxConnections),
            limit(
                    "max_connections_per_peer",
                    "Open connections to one peer.",
                    HostLimits::maxConnectionsPerPeer,
                    HostLimits::withMaxConnectionsPerPeer),
            limit(
                    "max_inbound_connections_per_ip",
                    "Inbound connections from one IP address (loopback included).",
                    HostLimits::maxInboundConnectionsPerIp,
                    HostLimits::withMaxInboundConnectionsPerIp),
            limit(
                    "max_pending_handshakes",
                    "Inbound connections still negotiating security and muxer.",
                    HostLimits::maxPendingHandshakes,
                    HostLimits::withMaxPendingHandshakes),
            limit(
                    "max_streams_per_connection",
                    "Open streams on one connection (also the Yamux stream limit).",
                    HostLimits::maxStreamsPerConnection,
                    HostLimits::withMaxStreamsPerConnection),
            limit(
                    "max_streams_per_peer",
                    "Open streams across all connections to one peer.",
                    HostLimits::maxStreamsPerPeer,
                    HostLimits::withMaxStreamsPerPeer),
            limit(
                    "max_inbound_stream_handlers",
                    "Inbound stream handlers running at once, host-wide.",
                    HostLimits::maxInboundStreamHandlers,
                    HostLimits::withMaxInboundStreamHandlers),
            new Setting(
                    "limits",
                    "max_buffered_bytes_per_connection",
                    """
                    Receive buffer one connection may hold (bytes, or a size such as "32MiB"; at least 256KiB).""",
                    c -> quote(ByteSize.format(c.limits().maxBufferedBytesPerConnection())
                            .replace(" ", "")),
                    ConfigFile::applyBuffered),
            new Setting(
                    "mdns",
                    "enabled",
                    """
                    Find peers on the local network with multicast DNS (_p2p._udp.local) and connect to them.""",
                    c -> Boolean.toString(c.services().mdns()),
                    (d, v) -> bool(v, b -> services(d, s -> s.withMdns(b)))),
            new Setting(
                    "mdns",
                    "interfaces",
                    """
                    Network interfaces mDNS uses, by name (e.g. ["eth0"]); [] means every interface that is up and
                    multicast-capable, except loopback. On loopback only peers on this machine are found.""",
                    c -> c.services().mdnsInterfaces().stream()
                            .map(ConfigFile::quote)
                            .collect(Collectors.joining(", ", "[", "]")),
                    ConfigFile::applyMdnsInterfaces),
            new Setting(
                    "dht",
                    "enabled",
                    "Run the Kademlia DHT (/ipfs/kad/1.0.0): find peers, providers of content and records.",
                    c -> Boolean.toString(c.services().dht()),
                    (d, v) -> bool(v, b -> services(d, s -> s.withDht(b)))),
            new Setting(
                    "dht",
                    "mode",
                    """
                    "server" answers other peers' DHT queries, "client" only asks. "auto" follows AutoNAT:
                    a server while reachable or not yet known, a client once peers cannot dial it back.""",
                    c -> quote(c.services().dhtMode().name().toLowerCase(java.util.Locale.ROOT)),
                    ConfigFile::applyDhtMode),
            new Setting(
                    "pubsub",
                    "enabled",
                    "Run gossipsub (/meshsub/1.1.0) publish/subscribe.",
                    c -> Boolean.toString(c.services().pubsub()),
                    (d, v) -> bool(v, b -> services(d, s -> s.withPubsub(b)))),
            new Setting(
                    "relay",
                    "service",
                    """
                    Relay connections for peers that cannot be reached directly (circuit relay v2 hop). It
                    costs bandwidth, within the limits below.""",
                    c -> Boolean.toString(c.services().relayService()),
                    (d, v) -> bool(v, b -> services(d, s -> s.withRelayService(b)))),
            new Setting(
                    "relay",
                    "max_reservations",
                    "Peers the relay service holds a reservation for at once.",
                    c -> Integer.toString(c.services().relayMaxReservations()),
                    (d, v) -> nonNegativeInt(v, n -> services(d, s -> s.withRelayMaxReservations(n)))),
            new Setting(
                    "relay",
                    "circuit_duration_seconds",
                    "How long one relayed connection may last (0: no limit).",
                    c -> Long.toString(c.services().relayCircuitDuration().toSeconds()),
                    (d, v) -> nonNegativeInt(
                            v, n -> services(d, s -> s.withRelayCircuitDuration(Duration.ofSeconds(n))))),
            new Setting(
                    "relay",
                    "circuit_data",
                    """
                    Bytes one relayed connection may carry each way (a number or a size such as "128KiB"; 0: no limit).""",
                    c -> quote(ByteSize.format(c.services().relayCircuitData()).replace(" ", "")),
                    ConfigFile::applyCircuitData),
            new Setting(
                    "relay",
                    "client",
                    """
                    When AutoNAT finds this node unreachable, reserve a slot on relays (the static ones below
                    and connected peers that relay) and advertise the /p2p-circuit addresses.""",
                    c -> Boolean.toString(c.services().relayClient()),
                    (d, v) -> bool(v, b -> services(d, s -> s.withRelayClient(b)))),
            new Setting(
                    "relay",
                    "static",
                    """
                    Relays to use when unreachable, e.g. ["/ip4/192.0.2.7/tcp/4001/p2p/12D3KooW..."].""",
                    c -> addresses(c.services().relayStatic()),
                    (d, v) -> multiaddrs(
                            v,
                            NetworkServicesConfig.MAX_RELAYS * 4,
                            true,
                            list -> services(d, s -> s.withRelayStatic(list)))),
            new Setting(
                    "autonat",
                    "service",
                    "Dial back peers that ask whether they are reachable (AutoNAT v1), within the limits below.",
                    c -> Boolean.toString(c.services().autonatService()),
                    (d, v) -> bool(v, b -> services(d, s -> s.withAutonatService(b)))),
            new Setting(
                    "autonat",
                    "max_requests_per_minute",
                    "Dial-back requests served per minute, from all peers.",
                    c -> Integer.toString(c.services().autonatMaxRequests()),
                    (d, v) -> nonNegativeInt(v, n -> d.autonatTotal = n)),
            new Setting(
                    "autonat",
                    "max_requests_per_peer_per_minute",
                    "Dial-back requests served per minute to one peer.",
                    c -> Integer.toString(c.services().autonatMaxRequestsPerPeer()),
                    (d, v) -> nonNegativeInt(v, n -> d.autonatPerPeer = n)),
            new Setting(
                    "autonat",
                    "force_reachability",
                    """
                    "auto" asks peers whether they can dial this node. "public" or "private" skips asking and
                    acts as if they had answered so (for a node known to be behind NAT, or for tests).""",
                    c -> quote(
                            c.services().forceReachability() == null
                                    ? "auto"
                                    : c.services().forceReachability().name().toLowerCase(java.util.Locale.ROOT)),
                    ConfigFile::applyForceReachability),
            new Setting(
                    "files",
                    "download_dir",
                    "Folder finished downloads go to; a relative path is inside the data directory.",
                    c -> quote(c.files().downloadDir()),
                    ConfigFile::applyDownloadDir),
            new Setting(
                    "files", "super_peer", """
                    Flooding search role: "auto" becomes a super-peer after an hour of uptime when reachable and
                    fast enough; "always" or "never" decide it.""", c -> quote(c.files().superPeer().wire()), ConfigFile::applySuperPeer),
            new Setting(
                    "files",
                    "index_server",
                    "Run an index (directory) server that other peers publish their shared file lists to.",
                    c -> Boolean.toString(c.files().indexServer()),
                    (d, v) -> bool(v, b -> files(d, f -> f.withIndexServer(b)))),
            new Setting(
                    "files",
                    "index_servers",
                    """
                    Index servers to publish to and search, e.g. ["/ip4/192.0.2.7/tcp/4001/p2p/12D3KooW..."].""",
                    c -> addresses(c.files().indexServers()),
                    (d, v) -> multiaddrs(
                            v, FilesConfig.MAX_INDEX_SERVERS, true, list -> files(d, f -> f.withIndexServers(list)))),
            new Setting(
                    "files",
                    "max_download_rate",
                    "Bytes per second all downloads together may fetch, as a size such as \"10MiB\"; 0 for no limit.",
                    c -> rate(c.files().maxDownloadRate()),
                    (d, v) -> applyRate(v, r -> files(d, f -> f.withMaxDownloadRate(r)))),
            new Setting(
                    "files",
                    "max_upload_rate",
                    "Bytes per second this node serves to other peers, as a size such as \"2MiB\"; 0 for no limit.",
                    c -> rate(c.files().maxUploadRate()),
                    (d, v) -> applyRate(v, r -> files(d, f -> f.withMaxUploadRate(r)))));

    private static String rate(long bytesPerSecond) {
        return quote(bytesPerSecond == 0 ? "0" : ByteSize.format(bytesPerSecond).replace(" ", ""));
    }

    /** A rate: 0 (no limit), a number of bytes, or a size such as "10MiB", each per second; at least 64KiB. */
    private static @Nullable String applyRate(JsonNode v, java.util.function.LongFunction<@Nullable String> set) {
        long bytes;
        try {
            bytes = byteCount(v, "must be 0 (no limit) or bytes per second, e.g. \"10MiB\"");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (bytes < 0) {
            return "must not be negative";
        }
        if (bytes != 0 && bytes < 64 * 1024) {
            return "must be 0 (no limit) or at least 64KiB per second, not " + ByteSize.format(bytes);
        }
        return set.apply(bytes);
    }

    private ConfigFile() {}

    private static Setting limit(
            String key,
            String doc,
            java.util.function.ToIntFunction<HostLimits> get,
            BiFunction<HostLimits, Integer, HostLimits> with) {
        return new Setting(
                "limits",
                key,
                doc,
                c -> Integer.toString(get.applyAsInt(c.limits())),
                (d, v) -> positiveInt(v, n -> d.limits = with.apply(d.limits, n)));
    }

    /**
     * Reads {@code file} over {@code base} (normally {@link NodeConfig#defaults()}); a missing file
     * means the defaults.
     */
    public static NodeConfig read(Path file, NodeConfig base) throws StartupException {
        if (!Files.exists(file)) {
            return base;
        }
        ObjectNode root;
        try {
            if (Files.size(file) > MAX_SIZE) {
                throw new StartupException(file + " is larger than " + ByteSize.format(MAX_SIZE)
                        + "; is it really a servent configuration?");
            }
            root = new TomlMapper().readValue(Files.readString(file), ObjectNode.class);
        } catch (JacksonException e) {
            throw new StartupException("cannot parse " + file + locate(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new StartupException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(root, base, file.toString());
    }

    private static String locate(JacksonException e) {
        JsonLocation where = e.getLocation();
        return where == null || where.getLineNr() < 1 ? "" : " (line " + where.getLineNr() + ")";
    }

    /** Parses TOML text (for tests and callers without a file); {@code origin} names it in messages. */
    public static NodeConfig parse(String toml, NodeConfig base, String origin) throws StartupException {
        try {
            return parse(new TomlMapper().readValue(toml, ObjectNode.class), base, origin);
        } catch (JacksonException e) {
            throw new StartupException("cannot parse " + origin + locate(e) + ": " + e.getOriginalMessage());
        }
    }

    private static NodeConfig parse(ObjectNode root, NodeConfig base, String origin) throws StartupException {
        Map<String, Map<String, Setting>> known = new LinkedHashMap<>();
        for (Setting s : SETTINGS) {
            known.computeIfAbsent(s.section(), k -> new LinkedHashMap<>()).put(s.key(), s);
        }
        Draft draft = new Draft(base);
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> section = it.next();
            Map<String, Setting> keys = known.get(section.getKey());
            if (keys == null) {
                problems.add(
                        section.getValue().isObject()
                                ? "[" + section.getKey() + "]: unknown section (known: "
                                        + String.join(", ", known.keySet()) + ")"
                                : section.getKey() + ": unknown key; settings go in a section such as [network]");
                continue;
            }
            if (!section.getValue().isObject()) {
                problems.add(section.getKey() + ": must be a section, written [" + section.getKey() + "]");
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields =
                            section.getValue().fields();
                    fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                Setting setting = keys.get(field.getKey());
                String name = "[" + section.getKey() + "]." + field.getKey();
                if (setting == null) {
                    problems.add(name + ": unknown key (known in [" + section.getKey() + "]: "
                            + String.join(", ", keys.keySet()) + ")");
                    continue;
                }
                @Nullable String problem = setting.apply().apply(draft, field.getValue());
                if (problem != null) {
                    problems.add(name + ": " + problem);
                }
            }
        }
        if (problems.isEmpty() && draft.highWater < draft.lowWater) {
            problems.add("[limits].high_water (" + draft.highWater + ") must not be below [limits].low_water ("
                    + draft.lowWater + ")");
        }
        if (!problems.isEmpty()) {
            throw new StartupException("invalid configuration in " + origin + ":\n  " + String.join("\n  ", problems));
        }
        NodeConfig out =
                draft.config.withWatermarks(draft.lowWater, draft.highWater).withLimits(draft.limits);
        return out.withServices(out.services().withAutonatRateLimits(draft.autonatTotal, draft.autonatPerPeer));
    }

    /** The commented file written on first run: every key, commented out, at its default. */
    public static String template(NodeConfig defaults) {
        return render(defaults, defaults);
    }

    /**
     * The file for {@code config}: the documented template, with the keys whose value differs from
     * {@code defaults} written out and the others commented out at their default.
     */
    public static String render(NodeConfig config, NodeConfig defaults) {
        StringBuilder out = new StringBuilder();
        out.append("""
                # servent configuration (TOML). Written by servent %s.
                # Every setting is listed, commented out, with its default value: uncomment a line to change
                # it. Command-line flags (servent start --listen, --api-port, --log-level, --bootstrap, --[no-]mdns)
                # override this file.
                """.formatted(ServentVersion.version()));
        String section = "";
        for (Setting s : SETTINGS) {
            if (!s.section().equals(section)) {
                section = s.section();
                out.append("\n[").append(section).append("]\n");
            }
            s.doc().lines().forEach(line -> out.append("# ").append(line).append('\n'));
            String value = s.defaultValue().apply(config);
            String standard = s.defaultValue().apply(defaults);
            out.append(value.equals(standard) ? "# " : "")
                    .append(s.key())
                    .append(" = ")
                    .append(value)
                    .append('\n');
        }
        return out.toString();
    }

    /** Every setting of {@code config} as {@code {section: {key: value}}}, the shape of the TOML file. */
    public static ObjectNode toJson(NodeConfig config) {
        StringBuilder toml = new StringBuilder();
        String section = "";
        for (Setting s : SETTINGS) {
            if (!s.section().equals(section)) {
                section = s.section();
                toml.append("[").append(section).append("]\n");
            }
            toml.append(s.key())
                    .append(" = ")
                    .append(s.defaultValue().apply(config))
                    .append('\n');
        }
        try {
            return new TomlMapper().readValue(toml.toString(), ObjectNode.class);
        } catch (JacksonException e) {
            throw new IllegalStateException("the settings do not render as TOML: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses settings given as JSON in the file's shape (for the settings API); same checks and messages. */
    public static NodeConfig fromJson(ObjectNode settings, NodeConfig base, String origin) throws StartupException {
        return parse(settings, base, origin);
    }

    // ---- value checks; each returns a problem or null ----

    private static @Nullable String applyListen(Draft d, JsonNode v) {
        if (!v.isArray()) {
            return "must be a list of multiaddrs, e.g. [\"/ip4/0.0.0.0/tcp/4001\"]";
        }
        if (v.size() > MAX_LISTEN_ADDRESSES) {
            return "lists " + v.size() + " addresses; at most " + MAX_LISTEN_ADDRESSES + " are allowed";
        }
        List<Multiaddr> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                return "must be a list of multiaddr strings";
            }
            try {
                out.add(Multiaddr.parse(item.asText()));
            } catch (MultiformatException e) {
                return "not a multiaddr: " + e.getMessage();
            }
        }
        d.config = d.config.withListen(out);
        return null;
    }

    private static @Nullable String applyApi(Draft d, JsonNode v) {
        if (!v.isTextual()) {
            return "must be a string such as \"127.0.0.1:4080\"";
        }
        try {
            d.config = d.config.withApi(parseHostPort(v.asText()));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port} and insists on a loopback host. */
    public static InetSocketAddress parseHostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port, e.g. 127.0.0.1:4080");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 0-65535");
        }
        if (!host.equals("localhost") && !host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new IllegalArgumentException("'" + host + "' must be a loopback IP address such as 127.0.0.1");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address");
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the control API listens on loopback only (it has no TLS), not " + host);
        }
        return new InetSocketAddress(address, port);
    }

    /**
     * A byte count written as a number of bytes or a size such as "32MiB".
     *
     * @throws IllegalArgumentException with {@code otherwise} for other JSON types, or what is wrong with the size
     */
    private static long byteCount(JsonNode v, String otherwise) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            return ByteSize.parse(v.asText());
        }
        throw new IllegalArgumentException(otherwise);
    }

    private static @Nullable String applyBuffered(Draft d, JsonNode v) {
        long bytes;
        try {
            bytes = byteCount(v, "must be a number of bytes or a size such as \"32MiB\"");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (bytes < 256 * 1024) {
            return "must be at least 256KiB (one Yamux window), not " + ByteSize.format(bytes);
        }
        d.limits = d.limits.withMaxBufferedBytesPerConnection(bytes);
        return null;
    }

    private static @Nullable String positiveInt(JsonNode v, java.util.function.IntConsumer set) {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
            return "must be a positive whole number, not " + v;
        }
        set.accept(v.asInt());
        return null;
    }

    private static @Nullable String nonNegativeInt(JsonNode v, java.util.function.IntConsumer set) {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            return "must be a whole number of at least 0, not " + v;
        }
        set.accept(v.asInt());
        return null;
    }

    private static @Nullable String applyAgent(Draft d, JsonNode v) {
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 128) {
            return "must be a string of 1-128 characters";
        }
        d.config = d.config.withAgent(v.asText());
        return null;
    }

    private static @Nullable String applyLogLevel(Draft d, JsonNode v) {
        if (!v.isTextual() || !NodeConfig.LOG_LEVELS.contains(v.asText().toLowerCase(java.util.Locale.ROOT))) {
            return "must be one of \"error\", \"warn\", \"info\", \"debug\", \"trace\"; not " + v;
        }
        d.config = d.config.withLogLevel(v.asText());
        return null;
    }

    // ---- peer-to-peer services ----

    private static @Nullable String services(Draft d, java.util.function.UnaryOperator<NetworkServicesConfig> change) {
        d.config = d.config.withServices(change.apply(d.config.services()));
        return null;
    }

    private static String addresses(List<Multiaddr> list) {
        return list.stream().map(a -> quote(a.toString())).collect(Collectors.joining(", ", "[", "]"));
    }

    /** A list of multiaddrs, each with {@code /p2p/<PeerId>} if {@code needPeer}. */
    private static @Nullable String multiaddrs(
            JsonNode v, int max, boolean needPeer, java.util.function.Function<List<Multiaddr>, @Nullable String> set) {
        String example = "[\"/ip4/192.0.2.7/tcp/4001/p2p/12D3KooW...\"]";
        if (!v.isArray()) {
            return "must be a list of multiaddrs, e.g. " + example;
        }
        if (v.size() > max) {
            return "lists " + v.size() + " addresses; at most " + max + " are allowed";
        }
        List<Multiaddr> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                return "must be a list of multiaddr strings, e.g. " + example;
            }
            Multiaddr address;
            try {
                address = Multiaddr.parse(item.asText());
            } catch (MultiformatException e) {
                return "'" + item.asText() + "' is not a multiaddr: " + e.getMessage();
            }
            if (needPeer && address.peerId().isEmpty()) {
                return "'" + item.asText() + "' must end in /p2p/<PeerId>";
            }
            out.add(address);
        }
        return set.apply(out);
    }

    private static @Nullable String bool(JsonNode v, java.util.function.Function<Boolean, @Nullable String> set) {
        if (!v.isBoolean()) {
            return "must be true or false, not " + v;
        }
        return set.apply(v.asBoolean());
    }

    private static @Nullable String applyMdnsInterfaces(Draft d, JsonNode v) {
        if (!v.isArray() || v.size() > 16) {
            return "must be a list of up to 16 interface names, e.g. [\"eth0\"]";
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual() || item.asText().isBlank() || item.asText().length() > 64) {
                return "must be a list of interface names, e.g. [\"eth0\"], not " + v;
            }
            names.add(item.asText());
        }
        return services(d, s -> s.withMdnsInterfaces(names));
    }

    private static @Nullable String applyDhtMode(Draft d, JsonNode v) {
        String text = v.isTextual() ? v.asText().toLowerCase(java.util.Locale.ROOT) : "";
        return switch (text) {
            case "auto" -> services(d, s -> s.withDhtMode(NetworkServicesConfig.DhtMode.AUTO));
            case "client" -> services(d, s -> s.withDhtMode(NetworkServicesConfig.DhtMode.CLIENT));
            case "server" -> services(d, s -> s.withDhtMode(NetworkServicesConfig.DhtMode.SERVER));
            default -> "must be \"auto\", \"client\" or \"server\"; not " + v;
        };
    }

    private static @Nullable String applyForceReachability(Draft d, JsonNode v) {
        String text = v.isTextual() ? v.asText().toLowerCase(java.util.Locale.ROOT) : "";
        return switch (text) {
            case "auto" -> services(d, s -> s.withForceReachability(null));
            case "public" -> services(d, s -> s.withForceReachability(Reachability.PUBLIC));
            case "private" -> services(d, s -> s.withForceReachability(Reachability.PRIVATE));
            default -> "must be \"auto\", \"public\" or \"private\"; not " + v;
        };
    }

    // ---- files ----

    private static @Nullable String files(Draft d, java.util.function.UnaryOperator<FilesConfig> change) {
        d.config = d.config.withFiles(change.apply(d.config.files()));
        return null;
    }

    private static @Nullable String applyDownloadDir(Draft d, JsonNode v) {
        if (!v.isTextual()
                || v.asText().isBlank()
                || v.asText().length() > 4096
                || v.asText().contains("\0")) {
            return "must be a folder path as a string, e.g. \"downloads\" or \"~/Downloads\"; not " + v;
        }
        String text = v.asText().strip();
        return files(d, f -> f.withDownloadDir(text));
    }

    private static @Nullable String applySuperPeer(Draft d, JsonNode v) {
        String text = v.isTextual() ? v.asText().toLowerCase(java.util.Locale.ROOT) : "";
        return switch (text) {
            case "auto" -> files(d, f -> f.withSuperPeer(FilesConfig.SuperPeer.AUTO));
            case "always" -> files(d, f -> f.withSuperPeer(FilesConfig.SuperPeer.ALWAYS));
            case "never" -> files(d, f -> f.withSuperPeer(FilesConfig.SuperPeer.NEVER));
            default -> "must be \"auto\", \"always\" or \"never\"; not " + v;
        };
    }

    private static @Nullable String applyCircuitData(Draft d, JsonNode v) {
        long bytes;
        if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
            bytes = v.asLong();
        } else if (v.isTextual()) {
            try {
                bytes = ByteSize.parse(v.asText());
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        } else {
            return "must be a number of bytes or a size such as \"128KiB\", not " + v;
        }
        return services(d, s -> s.withRelayCircuitData(bytes));
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
