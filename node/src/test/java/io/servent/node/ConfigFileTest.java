package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.apps.files.DownloadConfig;
import io.servent.p2p.api.Multiaddr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigFileTest {
    private static final NodeConfig DEFAULTS = NodeConfig.defaults();

    @Test
    void theTemplateParsesToTheDefaults() throws Exception {
        assertThat(ConfigFile.parse(ConfigFile.template(DEFAULTS), DEFAULTS, "t"))
                .isEqualTo(DEFAULTS);
    }

    @Test
    void uncommentingEveryTemplateLineStillGivesTheDefaults() throws Exception {
        // The template documents each default: if a documented value drifted from the real default,
        // uncommenting it would change the configuration.
        String uncommented = ConfigFile.template(DEFAULTS)
                .lines()
                .map(line -> line.matches("# [a-z_]+ = .*") ? line.substring(2) : line)
                .reduce("", (a, b) -> a + b + "\n");
        assertThat(uncommented).contains("\nlisten = [\"/ip4/0.0.0.0/tcp/4001\"]");
        assertThat(ConfigFile.parse(uncommented, DEFAULTS, "t")).isEqualTo(DEFAULTS);
    }

    @Test
    void templateDocumentsEveryKey() {
        String template = ConfigFile.template(DEFAULTS);
        for (String key : List.of(
                "[network]",
                "[api]",
                "[identify]",
                "[log]",
                "[limits]",
                "# listen = ",
                "# agent = \"servent/",
                "# level = \"info\"",
                "# low_water = 160",
                "# high_water = 192",
                "# grace_period_seconds = 30",
                "# max_connections = 1024",
                "# max_connections_per_peer = 8",
                "# max_inbound_connections_per_ip = 64",
                "# max_pending_handshakes = 128",
                "# max_streams_per_connection = 512",
                "# max_streams_per_peer = 1024",
                "# max_inbound_stream_handlers = 8192",
                "# max_buffered_bytes_per_connection = \"32MiB\"",
                "# listen = \"127.0.0.1:4080\"",
                "# bootstrap = []",
                "# min_connections = 4",
                "[mdns]\n",
                "# enabled = true",
                "# interfaces = []",
                "[dht]\n",
                "# mode = \"auto\"",
                "[pubsub]\n",
                "[relay]\n",
                "# service = false",
                "# max_reservations = 128",
                "# circuit_duration_seconds = 120",
                "# circuit_data = \"128KiB\"",
                "# client = true",
                "# static = []",
                "[autonat]\n",
                "# max_requests_per_minute = 30",
                "# max_requests_per_peer_per_minute = 3",
                "# force_reachability = \"auto\"")) {
            assertThat(template).contains(key);
        }
    }

    @Test
    void readsEverySection() throws Exception {
        NodeConfig config = ConfigFile.parse("""
                [network]
                listen = ["/ip4/127.0.0.1/tcp/0", "/ip6/::1/tcp/0"]
                [api]
                listen = "127.0.0.1:0"
                [identify]
                agent = "my-node/1"
                [log]
                level = "DEBUG"
                [limits]
                low_water = 10
                high_water = 20
                grace_period_seconds = 5
                max_connections = 50
                max_streams_per_connection = 64
                max_buffered_bytes_per_connection = "1MiB"
                """, DEFAULTS, "t");
        assertThat(config.listen())
                .containsExactly(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), Multiaddr.parse("/ip6/::1/tcp/0"));
        assertThat(config.api().getPort()).isZero();
        assertThat(config.agent()).isEqualTo("my-node/1");
        assertThat(config.logLevel()).isEqualTo("debug");
        assertThat(config.lowWater()).isEqualTo(10);
        assertThat(config.highWater()).isEqualTo(20);
        assertThat(config.gracePeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.limits().maxConnections()).isEqualTo(50);
        assertThat(config.limits().maxStreamsPerConnection()).isEqualTo(64);
        assertThat(config.limits().maxBufferedBytesPerConnection()).isEqualTo(1 << 20);
        assertThat(config.limits().maxConnectionsPerPeer())
                .isEqualTo(DEFAULTS.limits().maxConnectionsPerPeer());
        assertThat(config.hostConfig().limits()).isEqualTo(config.limits());
        assertThat(config.hostConfig().lowWater()).isEqualTo(10);
    }

    @Test
    void readsTheFilesSectionAndRefusesBadValues() throws Exception {
        String server = "/ip4/192.0.2.7/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";
        NodeConfig config = ConfigFile.parse("""
                [files]
                download_dir = "~/Downloads"
                super_peer = "always"
                index_server = true
                index_servers = ["%s"]
                max_download_rate = "10MiB"
                max_upload_rate = 262144
                """.formatted(server), DEFAULTS, "t");
        assertThat(config.files())
                .isEqualTo(new FilesConfig(
                        "~/Downloads",
                        FilesConfig.SuperPeer.ALWAYS,
                        true,
                        List.of(Multiaddr.parse(server)),
                        10L << 20,
                        256L << 10));
        DownloadConfig limits = NodeSearch.downloadConfig(config.files());
        assertThat(limits.downloadBytesPerSecond()).isEqualTo(10L << 20);
        assertThat(limits.exchange().uploadBytesPerSecond()).isEqualTo(256L << 10);
        assertThat(ConfigFile.parse("[files]\nmax_upload_rate = 0\n", DEFAULTS, "t")
                        .files()
                        .maxUploadRate())
                .isZero();
        assertThat(NodeSearch.downloadDir(DEFAULTS.files(), Path.of("/data"))).isEqualTo(Path.of("/data/downloads"));
        assertThatThrownBy(() -> ConfigFile.parse("""
                        [files]
                        download_dir = ""
                        super_peer = "sometimes"
                        index_server = "yes"
                        index_servers = ["/ip4/192.0.2.7/tcp/4001"]
                        max_download_rate = "fast"
                        max_upload_rate = 1000
                        """, DEFAULTS, "t"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[files].download_dir: must be a folder path")
                .hasMessageContaining("[files].super_peer: must be \"auto\", \"always\" or \"never\"")
                .hasMessageContaining("[files].index_server: must be true or false")
                .hasMessageContaining("[files].index_servers: '/ip4/192.0.2.7/tcp/4001' must end in /p2p/<PeerId>")
                .hasMessageContaining("[files].max_download_rate: ")
                .hasMessageContaining("[files].max_upload_rate: must be 0 (no limit) or at least 64KiB per second");
    }

    @Test
    void unknownKeysAndSectionsAreNamedWithTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("servent.toml");
        Files.writeString(file, """
                [network]
                lissten = ["/ip4/0.0.0.0/tcp/4001"]
                [limitz]
                max_connections = 5
                """);
        assertThatThrownBy(() -> ConfigFile.read(file, DEFAULTS))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(
                        "[network].lissten: unknown key (known in [network]: listen, bootstrap, min_connections)")
                .hasMessageContaining("[limitz]: unknown section");
    }

    @Test
    void badValuesAreNamedByKey() {
        assertThatThrownBy(() -> ConfigFile.parse("""
                        [network]
                        listen = ["/ip4/1.2.3.4/tcpp/1"]
                        [api]
                        listen = "0.0.0.0:4080"
                        [log]
                        level = "loud"
                        [limits]
                        max_connections = -1
                        max_streams_per_peer = "many"
                        max_buffered_bytes_per_connection = 1000
                        """, DEFAULTS, "servent.toml"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("invalid configuration in servent.toml")
                .hasMessageContaining("[network].listen: not a multiaddr")
                .hasMessageContaining("[api].listen: the control API listens on loopback only")
                .hasMessageContaining("[log].level: must be one of")
                .hasMessageContaining("[limits].max_connections: must be a positive whole number, not -1")
                .hasMessageContaining("[limits].max_streams_per_peer: must be a positive whole number, not \"many\"")
                .hasMessageContaining("[limits].max_buffered_bytes_per_connection: must be at least 256KiB");
    }

    @Test
    void readsTheNetworkServices() throws Exception {
        String relay = "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
        NetworkServicesConfig s =
                ConfigFile.parse("""
                [network]
                bootstrap = ["%s", "/ip4/127.0.0.1/tcp/4002"]
                min_connections = 0
                [mdns]
                enabled = false
                interfaces = ["lo"]
                [dht]
                enabled = true
                mode = "Client"
                [pubsub]
                enabled = false
                [relay]
                service = true
                max_reservations = 7
                circuit_duration_seconds = 0
                circuit_data = "1MiB"
                client = false
                static = ["%s"]
                [autonat]
                service = false
                max_requests_per_minute = 9
                max_requests_per_peer_per_minute = 2
                force_reachability = "private"
                """.formatted(relay, relay), DEFAULTS, "t").services();
        assertThat(s.bootstrap()).hasSize(2);
        assertThat(s.minConnections()).isZero();
        assertThat(s.mdns()).isFalse();
        assertThat(s.mdnsInterfaces()).containsExactly("lo");
        assertThat(s.dhtMode()).isEqualTo(NetworkServicesConfig.DhtMode.CLIENT);
        assertThat(s.pubsub()).isFalse();
        assertThat(s.relayService()).isTrue();
        assertThat(s.relayConfig().maxReservations()).isEqualTo(7);
        assertThat(s.relayConfig().limit().duration()).isZero();
        assertThat(s.relayConfig().limit().data()).isEqualTo(1 << 20);
        assertThat(s.relayClient()).isFalse();
        assertThat(s.relayStatic()).containsExactly(Multiaddr.parse(relay));
        assertThat(s.autonatService()).isFalse();
        assertThat(s.autonatConfig().maxRequestsPerWindow()).isEqualTo(9);
        assertThat(s.autonatConfig().maxRequestsPerPeerPerWindow()).isEqualTo(2);
        assertThat(s.forceReachability()).isEqualTo(io.servent.p2p.autonat.Reachability.PRIVATE);
    }

    @Test
    void badServiceValuesAreNamedByKey() {
        assertThatThrownBy(() -> ConfigFile.parse("""
                        [network]
                        bootstrap = "/ip4/1.2.3.4/tcp/1"
                        min_connections = -2
                        [mdns]
                        enabled = "yes"
                        [dht]
                        mode = "sometimes"
                        [relay]
                        static = ["/ip4/1.2.3.4/tcp/1"]
                        circuit_data = "lots"
                        [autonat]
                        force_reachability = "maybe"
                        forceReachability = "private"
                        """, DEFAULTS, "servent.toml"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[network].bootstrap: must be a list of multiaddrs")
                .hasMessageContaining("[network].min_connections: must be a whole number of at least 0, not -2")
                .hasMessageContaining("[mdns].enabled: must be true or false, not \"yes\"")
                .hasMessageContaining("[dht].mode: must be \"auto\", \"client\" or \"server\"; not \"sometimes\"")
                .hasMessageContaining("[relay].static: '/ip4/1.2.3.4/tcp/1' must end in /p2p/<PeerId>")
                .hasMessageContaining("[relay].circuit_data: ")
                .hasMessageContaining("[autonat].force_reachability: must be \"auto\", \"public\" or \"private\"")
                .hasMessageContaining("[autonat].forceReachability: unknown key");
    }

    @Test
    void watermarksAreCheckedTogether() {
        assertThatThrownBy(() -> ConfigFile.parse("[limits]\nlow_water = 50\nhigh_water = 10\n", DEFAULTS, "t"))
                .hasMessageContaining("[limits].high_water (10) must not be below [limits].low_water (50)");
    }

    @Test
    void syntaxErrorsNameTheFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("servent.toml");
        Files.writeString(file, "[network]\nlisten = [\"/ip4/0.0.0.0/tcp/4001\"\n\n");
        assertThatThrownBy(() -> ConfigFile.read(file, DEFAULTS))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot parse " + file)
                .hasMessageContaining("line");
    }

    @Test
    void aMissingFileMeansDefaults(@TempDir Path dir) throws Exception {
        assertThat(ConfigFile.read(dir.resolve("none.toml"), DEFAULTS)).isEqualTo(DEFAULTS);
    }

    @Test
    void apiAddressesMustBeLoopback() {
        assertThat(ConfigFile.parseHostPort("127.0.0.1:9").getPort()).isEqualTo(9);
        assertThat(ConfigFile.parseHostPort("[::1]:9").getAddress().isLoopbackAddress())
                .isTrue();
        assertThat(ConfigFile.parseHostPort("localhost:9").getAddress().isLoopbackAddress())
                .isTrue();
        assertThatThrownBy(() -> ConfigFile.parseHostPort("192.168.1.1:9")).hasMessageContaining("loopback only");
        assertThatThrownBy(() -> ConfigFile.parseHostPort("example.com:9")).hasMessageContaining("loopback IP");
        assertThatThrownBy(() -> ConfigFile.parseHostPort("127.0.0.1:99999")).hasMessageContaining("0-65535");
        assertThatThrownBy(() -> ConfigFile.parseHostPort("4080")).hasMessageContaining("host:port");
    }
}
