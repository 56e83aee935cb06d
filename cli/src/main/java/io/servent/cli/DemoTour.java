package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The demo's scripted tour of a {@link DemoNetwork}, told by a {@link DemoNarrator}. Everything it
 * asks of a peer goes through that peer's HTTP API (as the CLI and web UI do). A step whose route
 * this build lacks (search, downloads) says so and the tour goes on; a step that fails says why
 * without a stack trace. Use from one thread.
 */
final class DemoTour {
    private static final Duration CALL = DemoFiles.CALL;
    private static final Duration DISCOVERY_WAIT = Duration.ofSeconds(10);
    private static final Duration RESERVATION_WAIT = Duration.ofSeconds(20);
    private static final Duration INDEXING_WAIT = Duration.ofSeconds(30);
    private static final Duration SEARCH_WAIT = Duration.ofSeconds(10);
    private static final Duration PUBLISH_WAIT = Duration.ofSeconds(20);
    private static final Duration DOWNLOAD_WAIT = Duration.ofSeconds(30);

    /** The searches of step 4: a mode, the words, and what the mode means. */
    private record Search(String mode, String words, String meaning) {}

    private final DemoNetwork network;
    private final DemoNarrator say;
    private final int sources;
    private final long size;
    private final DemoNetwork.Peer downloader;
    private final DemoFiles files;

    DemoTour(DemoNetwork network, DemoNarrator say, int sources, long size) {
        this.network = network;
        this.say = say;
        this.sources = sources;
        this.size = size;
        List<DemoNetwork.Peer> peers = network.peers();
        // The last public peer: not the relay, not a holder of the large file, not behind the relay.
        this.downloader = peers.get(peers.size() - 2);
        this.files = new DemoFiles(downloader.api(), say, SEARCH_WAIT, DOWNLOAD_WAIT);
    }

    void run() throws CliException {
        discovery();
        relay();
        shares();
        searches();
        download();
        pingAndPerf();
        webUi();
    }

    private void discovery() throws CliException {
        List<DemoNetwork.Peer> peers = network.peers();
        say.step(
                "Peers find each other",
                "Every peer knows only peer 1's address. Each dials it, and the Kademlia DHT (routing by"
                        + " XOR distance of PeerIds) introduces them to the rest; the DHT routing table is"
                        + " who a peer would ask when looking something up.");
        int expected = peers.size() - 2; // every public peer but itself; the hidden one is a DHT client
        waitUntil(DISCOVERY_WAIT, () -> {
            for (DemoNetwork.Peer p : peers.subList(0, peers.size() - 1)) {
                if (routingTable(p) < expected) {
                    return false;
                }
            }
            return true;
        });
        for (DemoNetwork.Peer p : peers) {
            int connections = p.api().get("peers", CALL).json().size();
            say.line(String.format(
                    "%-7s %s…  %d connections, DHT table %d%s",
                    p.name(),
                    p.peerId().substring(0, 16),
                    connections,
                    routingTable(p),
                    p.role().isEmpty() ? "" : "  (" + p.role() + ")"));
        }
    }

    private int routingTable(DemoNetwork.Peer p) {
        try {
            return p.api()
                    .get("dht/stats", CALL)
                    .json()
                    .path("routingTableSize")
                    .asInt();
        } catch (CliException e) {
            return 0;
        }
    }

    private void relay() throws CliException {
        DemoNetwork.Peer hidden = network.hidden();
        DemoNetwork.Peer relay = network.peer(1);
        DemoNetwork.Peer dialer = network.peer(2);
        say.step(
                "A peer behind the relay",
                hidden.name() + " listens on no address (as behind a NAT). It reserved a slot on " + relay.name()
                        + "'s relay (circuit relay v2) and advertises a /p2p-circuit address; others"
                        + " reach it through the relay, end-to-end encrypted.");
        @Nullable String[] circuit = {null};
        waitUntil(RESERVATION_WAIT, () -> {
            try {
                JsonNode address = hidden.api()
                        .get("network", CALL)
                        .json()
                        .path("relay")
                        .path("reservations")
                        .path(0)
                        .path("addresses")
                        .path(0);
                circuit[0] = address.isTextual() ? address.asText() : null;
            } catch (CliException e) {
                circuit[0] = null;
            }
            return circuit[0] != null;
        });
        String address = circuit[0];
        if (address == null) {
            say.line("no relay reservation within " + RESERVATION_WAIT.toSeconds() + " s; skipping this step");
            return;
        }
        say.line(hidden.name() + "'s relayed address:");
        say.plain("   " + address);
        try {
            JsonNode pong = dialer.api()
                    .post("ping", Map.of("target", address, "count", 3), CALL)
                    .json();
            JsonNode rtts = pong.path("rttsMs");
            List<String> times = new ArrayList<>();
            rtts.forEach(r -> times.add(Durations.millis(r.asDouble())));
            say.line("relayed ping " + dialer.name() + " -> " + relay.name() + " -> " + hidden.name() + ": "
                    + rtts.size() + " of 3 answered");
            say.line("round trips " + String.join(", ", times));
        } catch (CliException e) {
            say.line("the relayed ping failed: " + e.getMessage());
        }
    }

    private void shares() throws CliException {
        say.step(
                "Sharing folders",
                "Each peer shares a folder of generated files (POST /api/v1/shares). servent hashes them"
                        + " into content IDs (CIDs); equal bytes get the same CID on every peer. "
                        + DemoSamples.LARGE_NAME + " (" + DemoCommand.size(size) + ") is on " + sources
                        + " peer" + (sources == 1 ? "" : "s") + ".");
        for (DemoNetwork.Peer p : network.peers()) {
            p.api().post("shares", Map.of("dir", p.shared().toString()), CALL);
        }
        for (DemoNetwork.Peer p : network.peers()) {
            long expected = fileCount(p.shared());
            waitUntil(INDEXING_WAIT, () -> sharedFiles(p) >= expected);
            JsonNode share = p.api().get("shares", CALL).json().path(0);
            say.line(String.format(
                    "%-7s %d files, %s",
                    p.name(),
                    share.path("files").asLong(),
                    DemoCommand.size(share.path("bytes").asLong())));
        }
        long start = System.nanoTime();
        boolean published = waitUntil(PUBLISH_WAIT, () -> {
            for (DemoNetwork.Peer p : network.peers()) {
                if (!published(p)) {
                    return false;
                }
            }
            return true;
        });
        say.line(
                published
                        ? "all published to super-peers, directory server and DHT in "
                                + (System.nanoTime() - start) / 1_000_000 + " ms"
                        : "not every peer had published its files within " + PUBLISH_WAIT.toSeconds()
                                + " s; searches may miss some (GET /api/v1/files/status says why)");
    }

    /**
     * Whether {@code p}'s last publication covers every file it shares and reached its index servers
     * ({@code GET /api/v1/files/status}).
     */
    private static boolean published(DemoNetwork.Peer p) {
        try {
            JsonNode publication = p.api().get("files/status", CALL).json().path("publication");
            long shared =
                    p.api().get("shares", CALL).json().path(0).path("files").asLong();
            return !publication.path("pending").asBoolean(true)
                    && publication.path("files").asLong() >= shared
                    && publication.path("indexServersReached").asInt()
                            >= publication.path("indexServers").asInt()
                    && publication.path("dhtRecords").asInt() != 0;
        } catch (CliException e) {
            return false;
        }
    }

    private static long fileCount(Path dir) throws CliException {
        try (var files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long sharedFiles(DemoNetwork.Peer p) {
        try {
            JsonNode share = p.api().get("shares", CALL).json().path(0);
            return share.path("indexing").path("scanning").asBoolean()
                    ? 0
                    : share.path("files").asLong();
        } catch (CliException e) {
            return 0;
        }
    }

    private void searches() throws CliException {
        say.step(
                "Searching, in each mode",
                downloader.name() + " searches the network three ways: ask the directory server"
                        + " (server), ask neighbours who ask theirs (flood), and look up the words' keys in"
                        + " the DHT (dht). Results are merged by CID, with a count of sources.");
        List<Search> searches = List.of(
                new Search("server", "ocean", "directory server"),
                new Search("flood", "recording", "flooded to neighbours"),
                new Search("dht", "film", "DHT keyword lookup"));
        for (Search search : searches) {
            try {
                String noResults = "no results within " + SEARCH_WAIT.toSeconds() + " s";
                if (!files.search(search.mode(), search.words(), search.meaning(), noResults)) {
                    return;
                }
            } catch (CliException e) {
                say.line("\"" + search.words() + "\" (" + search.mode() + ") failed: " + e.getMessage());
            }
        }
    }

    private void download() {
        say.step(
                "A multi-source download",
                downloader.name() + " fetches " + DemoSamples.LARGE_NAME + " block by block from every peer"
                        + " that has it at once, checking each block against its CID.");
        try {
            fetchLarge();
        } catch (CliException e) {
            say.endProgress();
            say.line("the download failed: " + e.getMessage());
        }
    }

    private void fetchLarge() throws CliException {
        String cid = files.foundCid(DemoSamples.LARGE_NAME);
        if (cid == null) {
            cid = browseForLarge();
        }
        if (cid == null) {
            say.line("cannot find " + DemoSamples.LARGE_NAME + "'s CID; skipping this step");
            return;
        }
        files.download(
                cid,
                DemoSamples.LARGE_NAME,
                downloader.dir().resolve("downloads"),
                size,
                network.peer(1).shared().resolve(DemoSamples.LARGE_NAME));
    }

    /** The large file's CID from a source's file list ({@code GET /browse/{peer}}). */
    private @Nullable String browseForLarge() {
        try {
            JsonNode files = downloader
                    .api()
                    .get("browse/" + network.peer(1).peerId(), CALL)
                    .json()
                    .path("files");
            for (JsonNode f : files) {
                String name = f.path("name").asText();
                if (name.equals(DemoSamples.LARGE_NAME) || name.endsWith("/" + DemoSamples.LARGE_NAME)) {
                    return f.path("cid").asText();
                }
            }
        } catch (CliException e) {
            say.line("browsing " + network.peer(1).name() + " failed: " + e.getMessage());
        }
        return null;
    }

    private void pingAndPerf() throws CliException {
        // Peer 2 unless it is the downloader itself (a three-peer network).
        DemoNetwork.Peer target = network.peer(downloader.number() == 2 ? 1 : 2);
        say.step(
                "Ping and perf",
                downloader.name() + " measures its link to " + target.name() + ": round trips with"
                        + " /ipfs/ping/1.0.0, then throughput with /perf/1.0.0 (every byte encrypted with"
                        + " ChaCha20-Poly1305 and multiplexed by Yamux).");
        String address = target.daemon().addresses().get(0).toString();
        JsonNode ping = downloader
                .api()
                .post("ping", Map.of("target", address, "count", 3), CALL)
                .json();
        List<String> times = new ArrayList<>();
        ping.path("rttsMs").forEach(r -> times.add(Durations.millis(r.asDouble())));
        say.line("ping: " + String.join(", ", times));
        JsonNode perf = downloader
                .api()
                .post(
                        "perf",
                        Map.of("address", address, "uploadBytes", size, "downloadBytes", size),
                        Duration.ofMinutes(2))
                .json();
        say.line("perf: " + DemoCommand.size(size) + " up in "
                + Durations.seconds(perf.path("uploadSeconds").asDouble())
                + " (" + Durations.mbps(perf.path("uploadMBps").asDouble()) + "), down in "
                + Durations.seconds(perf.path("downloadSeconds").asDouble()) + " ("
                + Durations.mbps(perf.path("downloadMBps").asDouble()) + ")");
    }

    private void webUi() throws CliException {
        say.step(
                "Explore in your browser",
                "Each peer serves its web UI. These one-time links log you in (each works once, for a"
                        + " day); search, download and watch the network live.");
        for (DemoNetwork.Peer p : network.peers()) {
            String url = p.api()
                    .post("login-link", Map.of(), CALL)
                    .json()
                    .path("url")
                    .asText();
            say.line(p.name() + (p.role().isEmpty() ? "" : " (" + p.role() + ")") + ":");
            say.plain("   " + url);
        }
    }

    /**
     * Waits until {@code condition} holds or {@code timeout} passes; the step then reports what it sees.
     *
     * @return whether the condition held
     */
    private static boolean waitUntil(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean holds;
        while (!(holds = condition.getAsBoolean()) && System.nanoTime() < deadline) {
            DemoFiles.pause();
        }
        return holds;
    }
}
