package io.servent.node;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Direction;
import io.servent.p2p.api.Host;
import io.servent.p2p.host.HostMetrics;
import io.servent.p2p.kad.KadDht;
import io.servent.p2p.kad.KadQueryCounters;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The daemon's Prometheus metrics ({@code GET /metrics}, text exposition format), kept in a
 * Micrometer registry: connections, streams and peers now; stream payload bytes and streams opened per
 * protocol; failed handshakes, refusals and failed dials by reason (all from the host's {@link
 * HostMetrics}); DHT query statistics ({@link #bindDht}); live event subscribers; JVM memory, GC, threads, classes, CPU and uptime. Counters
 * read the host's own counters when scraped, so counting costs the host nothing extra; protocols
 * seen since the last scrape are registered at the next one (their number is bounded by {@link
 * HostMetrics#MAX_PROTOCOLS}).
 *
 * <p>Thread-safe. Other services (transfers, searches, the DHT) add their meters to {@link
 * #registry()}.
 */
public final class NodeMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HostMetrics metrics;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<String, HostMetrics.ProtocolTraffic> traffic = new ConcurrentHashMap<>();
    private final Set<String> registeredProtocols = ConcurrentHashMap.newKeySet();

    NodeMetrics(Host host, HostMetrics metrics, EventBus events) {
        this.metrics = metrics;
        Gauge.builder("servent.connections", host, h -> h.connections().size())
                .description("Open libp2p connections")
                .register(registry);
        Gauge.builder("servent.streams", host, h -> h.connections().stream()
                        .mapToInt(c -> c.streams().size())
                        .sum())
                .description("Open streams over all connections")
                .register(registry);
        Gauge.builder("servent.peers", host, h -> h.connections().stream()
                        .map(Connection::remotePeer)
                        .distinct()
                        .count())
                .description("Peers with at least one open connection")
                .register(registry);
        FunctionCounter.builder("servent.payload.bytes.received", metrics, HostMetrics::bytesIn)
                .description("Stream payload bytes read, all protocols")
                .baseUnit("bytes")
                .register(registry);
        FunctionCounter.builder("servent.payload.bytes.sent", metrics, HostMetrics::bytesOut)
                .description("Stream payload bytes written, all protocols")
                .baseUnit("bytes")
                .register(registry);
        for (Direction direction : Direction.values()) {
            for (HostMetrics.HandshakeFailure reason : HostMetrics.HandshakeFailure.values()) {
                FunctionCounter.builder(
                                "servent.handshake.failures", metrics, m -> m.handshakeFailures(direction, reason))
                        .description("Connection upgrades (security, muxer) that failed, by reason")
                        .tag("direction", direction.name().toLowerCase(Locale.ROOT))
                        .tag("reason", reason.label())
                        .register(registry);
            }
        }
        for (HostMetrics.Refusal reason : HostMetrics.Refusal.values()) {
            FunctionCounter.builder("servent.refusals", metrics, m -> m.refusals(reason))
                    .description("Connections and streams refused by a local limit, by reason")
                    .tag("reason", reason.label())
                    .register(registry);
        }
        for (HostMetrics.DialFailure reason : HostMetrics.DialFailure.values()) {
            FunctionCounter.builder("servent.dial.failures", metrics, m -> m.dialFailures(reason))
                    .description("Outbound dials that failed before any handshake, by reason")
                    .tag("reason", reason.label())
                    .register(registry);
        }
        Gauge.builder("servent.event.subscribers", events, EventBus::subscribers)
                .description("Open live event streams (web UI tabs)")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * The DHT's query statistics: lookups and their time by type, requests sent by type and outcome,
     * requests served by type, and the routing table and stores. Read from the DHT's own counters at
     * each scrape.
     */
    void bindDht(KadDht dht) {
        KadQueryCounters q = dht.queryCounters();
        for (KadQueryCounters.Type type : KadQueryCounters.Type.values()) {
            String t = type.label();
            FunctionCounter.builder("servent.dht.lookups", q, c -> c.lookups(type))
                    .description("DHT lookups this node ran, by query type")
                    .tag("type", t)
                    .register(registry);
            FunctionCounter.builder("servent.dht.lookup.time", q, c -> c.lookupNanos(type) / 1e9)
                    .description("Total time of those lookups, by query type (divide by the lookups for the mean)")
                    .baseUnit("seconds")
                    .tag("type", t)
                    .register(registry);
            FunctionCounter.builder("servent.dht.requests.served", q, c -> c.served(type))
                    .description("DHT requests this node answered, by query type")
                    .tag("type", t)
                    .register(registry);
            for (KadQueryCounters.Outcome outcome : KadQueryCounters.Outcome.values()) {
                FunctionCounter.builder("servent.dht.requests.sent", q, c -> c.sent(type, outcome))
                        .description("DHT requests this node sent, by query type and outcome")
                        .tag("type", t)
                        .tag("outcome", outcome.label())
                        .register(registry);
            }
        }
        Gauge.builder("servent.dht.routing.table.peers", dht, d -> d.stats().routingTableSize())
                .description("Peers in the DHT routing table")
                .register(registry);
        Gauge.builder("servent.dht.network.size.estimate", dht, d -> d.stats().networkSizeEstimate())
                .description("The DHT's estimate of the network's size, from the density of the nearest peers")
                .register(registry);
        Gauge.builder("servent.dht.records.stored", dht, d -> d.stats().storedRecords())
                .description("Value records this node stores for others")
                .register(registry);
        Gauge.builder("servent.dht.provider.entries", dht, d -> d.stats().providerEntries())
                .description("Provider records this node stores for others")
                .register(registry);
        Gauge.builder("servent.dht.provided.keys", dht, d -> d.stats().providedKeys())
                .description("Keys this node provides (and republishes)")
                .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The metrics in Prometheus' text format, with every protocol seen so far. */
    String scrape() {
        for (HostMetrics.ProtocolTraffic t : metrics.protocolTraffic()) {
            traffic.put(t.protocol(), t);
            if (registeredProtocols.add(t.protocol())) {
                registerProtocol(t.protocol());
            }
        }
        return registry.scrape();
    }

    private void registerProtocol(String protocol) {
        counter("servent.protocol.bytes", protocol, "in", HostMetrics.ProtocolTraffic::bytesIn);
        counter("servent.protocol.bytes", protocol, "out", HostMetrics.ProtocolTraffic::bytesOut);
        counter("servent.protocol.streams", protocol, "inbound", HostMetrics.ProtocolTraffic::inboundStreams);
        counter("servent.protocol.streams", protocol, "outbound", HostMetrics.ProtocolTraffic::outboundStreams);
    }

    private void counter(
            String name, String protocol, String direction, ToDoubleFunction<HostMetrics.ProtocolTraffic> value) {
        FunctionCounter.builder(name, traffic, m -> {
                    HostMetrics.ProtocolTraffic t = m.get(protocol);
                    return t == null ? 0 : value.applyAsDouble(t);
                })
                .description(
                        name.endsWith("bytes")
                                ? "Stream payload bytes per negotiated protocol"
                                : "Streams opened per negotiated protocol")
                .tag("protocol", protocol)
                .tag("direction", direction)
                .register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
