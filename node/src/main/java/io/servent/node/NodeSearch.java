package io.servent.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.servent.apps.files.DirectoryClient;
import io.servent.apps.files.DirectoryConfig;
import io.servent.apps.files.DirectoryServer;
import io.servent.apps.files.DownloadConfig;
import io.servent.apps.files.DownloadInfo;
import io.servent.apps.files.DownloadState;
import io.servent.apps.files.Downloads;
import io.servent.apps.files.ExplainProvider;
import io.servent.apps.files.ExplainReport;
import io.servent.apps.files.FileHit;
import io.servent.apps.files.FileQuery;
import io.servent.apps.files.FileType;
import io.servent.apps.files.FloodConfig;
import io.servent.apps.files.FloodElection;
import io.servent.apps.files.FloodService;
import io.servent.apps.files.KeywordService;
import io.servent.apps.files.Search;
import io.servent.apps.files.SearchListener;
import io.servent.apps.files.SearchMode;
import io.servent.apps.files.SearchResponder;
import io.servent.apps.files.SearchResult;
import io.servent.apps.files.SearchService;
import io.servent.apps.files.SharedBlockProvider;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.autonat.Reachability;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.kad.KadDht;
import io.servent.p2p.kad.KadPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Search and downloads as the daemon runs them: answers searches ({@link SearchResponder}), floods
 * through super-peers ({@link FloodService}, leaves linking to the super-peers identify reveals),
 * publishes DHT keywords when the DHT runs ({@link KeywordService}), serves and uses index servers
 * ({@link DirectoryServer}, {@link DirectoryClient}), runs {@link SearchService} over them all, and
 * swarms downloads ({@link Downloads}) from DHT providers, search hits and PEX. Publishes {@code
 * search-hit}, {@code search-done} and {@code download} events and Prometheus meters, and translates
 * between the contract's JSON shapes and apps/files.
 *
 * <p>Thread-safe. Owns what it opens; {@link #close()} stops it.
 */
final class NodeSearch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeSearch.class);

    static final Duration KEYWORD_REPUBLISH = Duration.ofMinutes(30);
    static final Duration ELECTION_PERIOD = Duration.ofMinutes(1);
    static final long DOWNLOAD_EVENT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    static final Duration PEERSTORE_TTL = Duration.ofMinutes(30);
    static final int MAX_DHT_PROVIDERS = 20;

    /** {@code SearchResult} of the contract. */
    record ResultView(
            String cid,
            String name,
            List<String> names,
            long size,
            String type,
            int sources,
            double score,
            List<String> modes) {}

    /** {@code GET /searches/{id}}. */
    record SearchView(
            String id, String query, String mode, String state, List<ResultView> results, List<String> notes) {}

    record Created(String id) {}

    record HitEvent(String searchId, ResultView result) {}

    record DoneEvent(String searchId, List<ResultView> results) {}

    /** {@code Download} of the contract. */
    record DownloadView(
            long id,
            String cid,
            String name,
            long size,
            long bytesDone,
            String state,
            long speedBps,
            @Nullable Long etaSeconds,
            int sources,
            int peers,
            @Nullable String error,
            @Nullable String path) {}

    record ProviderView(String peer, List<String> addrs, boolean reachable, boolean viaRelay) {}

    /** {@code GET /files/status}: this node's part in search. */
    record FilesStatusView(
            String floodRole,
            List<String> superPeers,
            List<String> neighbours,
            List<String> leaves,
            boolean indexServer,
            List<String> indexServers,
            SharePublisher.Status publication) {}

    record ExplainView(
            String cid,
            Map<String, Boolean> modes,
            List<ProviderView> providers,
            boolean local,
            List<String> reasons) {}

    private final BasicHost host;
    private final NodeFiles files;
    private final EventBus events;
    private final Path downloadDir;
    private final SearchResponder responder;
    private final FloodService flood;
    private final FilesConfig config;
    private final @Nullable KeywordService keywords;
    private final @Nullable DirectoryServer directoryServer;
    private final @Nullable DirectoryClient directoryClient;
    private final SearchService searches;
    private final Downloads downloads;
    private final ScheduledExecutorService timer;
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final SharePublisher publisher;
    private final Map<Long, Long> lastDownloadEvent = new ConcurrentHashMap<>();
    private final Map<String, String> searchModes = new ConcurrentHashMap<>();
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private final Counter searchCounter;
    private final Counter downloadCounter;
    private volatile long lastTrafficBytes;
    private volatile long lastTrafficNanos = System.nanoTime();
    private volatile long peakBps;
    private volatile boolean closed;

    private NodeSearch(
            BasicHost host,
            NodeFiles files,
            NetworkServices network,
            FilesConfig config,
            Path dataRoot,
            EventBus events,
            MeterRegistry registry)
            throws IOException {
        this.host = host;
        this.files = files;
        this.events = events;
        this.config = config;
        this.downloadDir = downloadDir(config, dataRoot);
        Files.createDirectories(downloadDir);
        this.responder = new SearchResponder(host, files.index());
        this.flood = new FloodService(host, files.index(), responder, floodConfig(config), electionInputs(network));
        KadDht dht = network.dht().orElse(null);
        this.keywords = dht == null ? null : new KeywordService(dht, files.index(), responder);
        this.directoryServer = config.indexServer() ? new DirectoryServer(host, DirectoryConfig.defaults()) : null;
        List<PeerId> servers = new ArrayList<>();
        for (Multiaddr a : config.indexServers()) {
            PeerId p = a.peerId().orElseThrow();
            host.peerstore().addAddresses(p, List.of(a.withoutPeerId()), Duration.ofDays(365));
            servers.add(p);
        }
        this.directoryClient = servers.isEmpty()
                ? null
                : new DirectoryClient(host, files.index(), servers, DirectoryConfig.defaults());
        SharedBlockProvider shared =
                new SharedBlockProvider(files.index(), files.blocks(), true, files.shareService()::markStale);
        this.downloads =
                new Downloads(host, files.database(), files.blocks(), shared, this::providers, downloadConfig(config));
        // Search ranks providers by what downloads recorded about them: one store for both.
        this.searches =
                new SearchService(host, files.index(), directoryClient, flood, keywords, downloads.reputationStore());
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("files-search-timer").daemon().factory());
        this.publisher = new SharePublisher(files.index(), flood, directoryClient, keywords, timer, work, events);
        this.searchCounter = Counter.builder("servent.files.searches")
                .description("Searches started")
                .register(registry);
        this.downloadCounter = Counter.builder("servent.files.downloads")
                .description("Downloads started")
                .register(registry);
        Gauge.builder("servent.files.downloads.active", downloads, d -> d.list().stream()
                        .filter(i -> i.state() == DownloadState.RUNNING)
                        .count())
                .description("Downloads running now")
                .register(registry);
        Gauge.builder("servent.files.download.bytes", downloads, d -> d.list().stream()
                        .mapToLong(DownloadInfo::bytesDone)
                        .sum())
                .description("Bytes verified and written by the downloads this node knows")
                .baseUnit("bytes")
                .register(registry);
    }

    /** Opens and starts everything; on failure closes what was opened. */
    static NodeSearch start(
            BasicHost host,
            NodeFiles files,
            NetworkServices network,
            FilesConfig config,
            Path dataRoot,
            EventBus events,
            MeterRegistry registry)
            throws StartupException {
        NodeSearch search;
        try {
            search = new NodeSearch(host, files, network, config, dataRoot, events, registry);
        } catch (IOException | RuntimeException e) {
            throw new StartupException("cannot start search and downloads: " + e.getMessage(), e);
        }
        try {
            search.run(network);
        } catch (IOException | RuntimeException e) {
            search.close();
            throw new StartupException("cannot start search and downloads: " + e.getMessage(), e);
        }
        return search;
    }

    private void run(NetworkServices network) throws IOException {
        downloads.start();
        subscriptions.add(downloads.subscribe(this::downloadChanged));
        subscriptions.add(host.subscribe(this::hostEvent));
        subscriptions.add(files.indexer().subscribe(p -> {
            if (!p.scanning()) {
                sharesChanged();
            }
        }));
        files.onChange(this::sharesChanged);
        if (directoryClient != null) {
            directoryClient.start();
        }
        timer.scheduleWithFixedDelay(
                () -> work.execute(() -> elect(network)),
                ELECTION_PERIOD.toMillis(),
                ELECTION_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(
                this::sharesChanged, KEYWORD_REPUBLISH.toMillis(), KEYWORD_REPUBLISH.toMillis(), TimeUnit.MILLISECONDS);
        work.execute(this::connectSuperPeers); // peers identified before we subscribed
        sharesChanged();
    }

    static Path downloadDir(FilesConfig config, Path dataRoot) {
        String text = config.downloadDir().strip();
        if (text.equals("~") || text.startsWith("~/")) {
            text = System.getProperty("user.home") + text.substring(1);
        }
        return dataRoot.resolve(text); // an absolute path stays as it is
    }

    /** The download and serving limits of {@code [files]} (0: no limit). */
    static DownloadConfig downloadConfig(FilesConfig config) {
        DownloadConfig d = DownloadConfig.defaults();
        if (config.maxDownloadRate() > 0) {
            d = d.withDownloadBytesPerSecond(config.maxDownloadRate());
        }
        if (config.maxUploadRate() > 0) {
            d = d.withExchange(d.exchange().withUploadBytesPerSecond(config.maxUploadRate()));
        }
        return d;
    }

    private static FloodConfig floodConfig(FilesConfig config) {
        return FloodConfig.defaults()
                .withPolicy(
                        switch (config.superPeer()) {
                            case ALWAYS -> FloodConfig.Policy.FORCE_SUPER_PEER;
                            case NEVER -> FloodConfig.Policy.FORCE_LEAF;
                            case AUTO -> FloodConfig.Policy.ELECT;
                        });
    }

    private FloodElection.Inputs electionInputs(NetworkServices network) {
        long now = System.nanoTime();
        long bytes = host.metrics().bytesIn() + host.metrics().bytesOut();
        long elapsed = now - lastTrafficNanos;
        if (elapsed > TimeUnit.SECONDS.toNanos(1) && lastTrafficBytes > 0) {
            long bps = (long) ((bytes - lastTrafficBytes) / (elapsed / 1e9));
            peakBps = Math.max(peakBps, bps);
        }
        lastTrafficBytes = bytes;
        lastTrafficNanos = now;
        return new FloodElection.Inputs(
                Duration.ofNanos(now - startNanos), peakBps, network.reachability() == Reachability.PUBLIC);
    }

    private void elect(NetworkServices network) {
        if (closed) {
            return;
        }
        FloodService.Role before = flood.role();
        FloodService.Role now = flood.elect(electionInputs(network));
        if (now != before) {
            log.info("flooding role: {} (was {})", now, before);
        }
        connectSuperPeers();
    }

    /** Links to the super-peers among connected peers that speak QRP (identify told us). */
    private void connectSuperPeers() {
        List<PeerId> candidates = new ArrayList<>();
        for (var c : host.connections()) {
            PeerId p = c.remotePeer();
            if (!candidates.contains(p)
                    && !flood.superPeers().contains(p)
                    && !flood.neighbours().contains(p)
                    && host.peerstore().protocols(p).contains(FloodService.QRP_PROTOCOL_ID)) {
                candidates.add(p);
            }
        }
        if (!candidates.isEmpty()) {
            flood.connect(candidates);
        }
    }

    private void hostEvent(HostEvent event) {
        if (closed) {
            return;
        }
        if (event instanceof HostEvent.PeerIdentified id && id.protocols().contains(FloodService.QRP_PROTOCOL_ID)) {
            PeerId peer = id.peer();
            if (!flood.superPeers().contains(peer) && !flood.neighbours().contains(peer)) {
                work.execute(() -> {
                    try {
                        flood.connect(List.of(peer));
                    } catch (RuntimeException e) {
                        log.debug("cannot link to super-peer {}: {}", peer, e.toString());
                    }
                });
            }
        }
    }

    /** Shares changed: publish the QRP table, DHT keywords and index-server list (debounced). */
    void sharesChanged() {
        publisher.changed();
    }

    FilesStatusView status() {
        return new FilesStatusView(
                flood.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                ids(flood.superPeers()),
                ids(flood.neighbours()),
                ids(flood.leaves()),
                directoryServer != null,
                directoryClient == null ? List.of() : ids(directoryClient.servers()),
                publisher.status());
    }

    private static List<String> ids(java.util.Collection<PeerId> peers) {
        return peers.stream().map(PeerId::toString).sorted().toList();
    }

    /** Providers for a download: peers seen in search hits, then DHT provider records. */
    private List<PeerId> providers(Cid root) throws IOException {
        Set<PeerId> out = new LinkedHashSet<>();
        for (Search s : searches.searches()) {
            for (Map.Entry<PeerId, List<Multiaddr>> e : s.providers(root).entrySet()) {
                if (!e.getKey().equals(host.peerId())) {
                    remember(e.getKey(), e.getValue());
                    out.add(e.getKey());
                }
            }
        }
        KeywordService ks = keywords;
        if (ks != null) {
            try {
                for (KadPeer p : ks.providers(root, MAX_DHT_PROVIDERS)) {
                    if (!p.id().equals(host.peerId())) {
                        remember(p.id(), p.addresses());
                        out.add(p.id());
                    }
                }
            } catch (IOException e) {
                log.debug("DHT provider lookup for {} failed: {}", root, e.toString());
            }
        }
        return List.copyOf(out);
    }

    private void remember(PeerId peer, List<Multiaddr> addresses) {
        if (!addresses.isEmpty()) {
            host.peerstore().addAddresses(peer, addresses, PEERSTORE_TTL);
        }
    }

    // ---- searches ----

    SearchView search(
            @Nullable String words,
            @Nullable String mode,
            @Nullable String type,
            @Nullable Long minSize,
            @Nullable Long maxSize)
            throws NodeException {
        if (words == null || words.isBlank()) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "words is required: what to search for");
        }
        FileQuery query;
        Set<SearchMode> modes;
        try {
            query = FileQuery.of(words);
            if (type != null && !type.isBlank()) {
                query = query.withType(fileType(type));
            }
            long min = minSize == null ? 0 : minSize;
            long max = maxSize == null ? Long.MAX_VALUE : maxSize;
            if (min < 0 || max < min) {
                throw new IllegalArgumentException("the size range must satisfy 0 <= minSize <= maxSize");
            }
            if (min != 0 || max != Long.MAX_VALUE) {
                query = query.withSize(min, max);
            }
            modes = SearchMode.parse(mode == null || mode.isBlank() ? "all" : mode);
        } catch (IllegalArgumentException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, String.valueOf(e.getMessage()));
        }
        if (modes.size() > 1) {
            modes.retainAll(searches.available());
        } else if (!searches.available().containsAll(modes) && !modes.contains(SearchMode.SERVER)) {
            throw new NodeException(
                    NodeException.Kind.UNAVAILABLE,
                    "this node cannot search by " + modes.iterator().next().wireName() + " (is the DHT enabled?)");
        }
        if (modes.isEmpty()) {
            throw new NodeException(NodeException.Kind.UNAVAILABLE, "no search mode is available on this node");
        }
        String modeName = mode == null || mode.isBlank() ? "all" : mode.strip().toLowerCase(Locale.ROOT);
        java.util.concurrent.CompletableFuture<String> id = new java.util.concurrent.CompletableFuture<>();
        Search search;
        try {
            search = searches.search(query, modes, new SearchListener() {
                @Override
                public void onHit(FileHit hit, SearchResult merged) {
                    events.publish("search-hit", new HitEvent(id.join(), view(merged)));
                }

                @Override
                public void onDone(List<SearchResult> results) {
                    events.publish(
                            "search-done",
                            new DoneEvent(
                                    id.join(),
                                    results.stream().map(NodeSearch::view).toList()));
                }
            });
        } catch (IllegalStateException | IllegalArgumentException e) {
            id.complete("");
            throw new NodeException(NodeException.Kind.UNAVAILABLE, String.valueOf(e.getMessage()));
        }
        id.complete(search.id());
        searchModes.put(search.id(), modeName);
        if (searchModes.size() > 2 * SearchService.MAX_SEARCHES) {
            // SearchService forgets all but its last searches; forget their modes too.
            searchModes.keySet().removeIf(k -> searches.find(k).isEmpty());
        }
        searchCounter.increment();
        return view(search);
    }

    SearchView searchView(String id) throws NodeException {
        return view(searches.find(id).orElseThrow(() -> noSearch(id)));
    }

    void removeSearch(String id) throws NodeException {
        Search s = searches.find(id).orElseThrow(() -> noSearch(id));
        s.cancel();
        searches.remove(id);
        searchModes.remove(id);
    }

    private SearchView view(Search s) {
        return new SearchView(
                s.id(),
                String.join(" ", s.query().words()),
                searchModes.getOrDefault(s.id(), "all"),
                s.state() == Search.State.DONE ? "done" : "running",
                s.results().stream().map(NodeSearch::view).toList(),
                s.notes());
    }

    static ResultView view(SearchResult r) {
        List<String> modes = new ArrayList<>();
        for (SearchMode m : SearchMode.values()) {
            if (r.modes().contains(m)) {
                modes.add(m.wireName());
            }
        }
        return new ResultView(
                r.cid().toString(),
                r.name(),
                r.names(),
                r.size(),
                r.type() == FileType.ANY
                        ? NodeFiles.type(r.name())
                        : r.type().name().toLowerCase(Locale.ROOT),
                r.sources(),
                Math.round(r.score() * 100) / 100.0,
                modes);
    }

    private static FileType fileType(String text) {
        for (FileType t : FileType.values()) {
            if (t.name().equalsIgnoreCase(text.strip())) {
                return t;
            }
        }
        List<String> names = new ArrayList<>();
        for (FileType t : FileType.values()) {
            names.add(t.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("unknown type '" + text + "': use one of " + String.join(", ", names));
    }

    private static NodeException noSearch(String id) {
        return new NodeException(NodeException.Kind.NOT_FOUND, "there is no search with id " + id);
    }

    // ---- explain ----

    ExplainView explain(String cidText) throws NodeException {
        ExplainReport r = searches.explain(cid(cidText));
        Map<String, Boolean> modes = new LinkedHashMap<>();
        for (SearchMode m : SearchMode.values()) {
            modes.put(m.wireName(), r.modes().getOrDefault(m, false));
        }
        List<ProviderView> providers = new ArrayList<>();
        for (ExplainProvider p : r.providers()) {
            providers.add(new ProviderView(
                    p.peer().toString(),
                    p.addresses().stream().map(Multiaddr::toString).toList(),
                    p.reachable(),
                    p.viaRelay()));
        }
        return new ExplainView(r.cid().toString(), modes, providers, r.local(), r.reasons());
    }

    // ---- downloads ----

    DownloadView download(@Nullable String cidText, @Nullable String name, @Nullable String dir, boolean sequential)
            throws NodeException {
        Cid cid = cid(ControlApi.required(cidText, "cid"));
        Path target = downloadDir;
        if (dir != null && !dir.isBlank()) {
            try {
                target = Path.of(dir.strip());
            } catch (InvalidPathException e) {
                throw new NodeException(NodeException.Kind.BAD_INPUT, "'" + dir + "' is not a path: " + e.getReason());
            }
            if (!target.isAbsolute()) {
                throw new NodeException(
                        NodeException.Kind.BAD_INPUT, "dir must be an absolute path, not '" + dir + "'");
            }
        }
        // A result's name is its share path ("share/dir/file"): save under the file's own name.
        String fileName =
                name == null ? null : name.substring(name.lastIndexOf('/') + 1).strip();
        if (fileName != null
                && (fileName.contains("\0")
                        || fileName.length() > 255
                        || fileName.equals("..")
                        || fileName.equals("."))) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "name must be a plain file name");
        }
        try {
            Files.createDirectories(target);
            DownloadInfo info =
                    downloads.create(cid, fileName == null || fileName.isEmpty() ? null : fileName, target, sequential);
            downloadCounter.increment();
            return view(info);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, String.valueOf(e.getMessage()));
        } catch (IOException e) {
            throw new NodeException(NodeException.Kind.UNAVAILABLE, "cannot start the download: " + e.getMessage(), e);
        }
    }

    List<DownloadView> downloads() {
        return downloads.list().stream().map(NodeSearch::view).toList();
    }

    DownloadView downloadView(long id) throws NodeException {
        return view(downloads.get(id).orElseThrow(() -> noDownload(id)));
    }

    DownloadView pause(long id) throws NodeException {
        try {
            return view(downloads.pause(id));
        } catch (NoSuchElementException e) {
            throw noDownload(id);
        } catch (IOException e) {
            throw new NodeException(NodeException.Kind.UNAVAILABLE, "cannot pause: " + e.getMessage(), e);
        }
    }

    DownloadView resume(long id) throws NodeException {
        try {
            return view(downloads.resume(id));
        } catch (NoSuchElementException e) {
            throw noDownload(id);
        } catch (IOException e) {
            throw new NodeException(NodeException.Kind.UNAVAILABLE, "cannot resume: " + e.getMessage(), e);
        }
    }

    void cancel(long id) throws NodeException {
        try {
            downloads.cancel(id);
            lastDownloadEvent.remove(id);
        } catch (NoSuchElementException e) {
            throw noDownload(id);
        } catch (IOException e) {
            throw new NodeException(NodeException.Kind.UNAVAILABLE, "cannot cancel: " + e.getMessage(), e);
        }
    }

    private void downloadChanged(DownloadInfo info) {
        long now = System.nanoTime();
        boolean running = info.state() == DownloadState.RUNNING;
        Long last = lastDownloadEvent.get(info.id());
        if (running && last != null && now - last < DOWNLOAD_EVENT_NANOS) {
            return; // at most 2 progress events a second; state changes always go out
        }
        lastDownloadEvent.put(info.id(), now);
        events.publish("download", view(info));
    }

    static DownloadView view(DownloadInfo d) {
        return new DownloadView(
                d.id(),
                d.cid().toString(),
                d.name(),
                d.size(),
                d.bytesDone(),
                d.state().wire(),
                d.speedBps(),
                d.etaSeconds().isPresent() ? d.etaSeconds().getAsLong() : null,
                d.sources(),
                d.peers(),
                d.error().orElse(null),
                d.path().map(Path::toString).orElse(null));
    }

    private static NodeException noDownload(long id) {
        return new NodeException(NodeException.Kind.NOT_FOUND, "there is no download with id " + id);
    }

    static Cid cid(String text) throws NodeException {
        try {
            return Cid.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "'" + text + "' is not a CID: " + e.getMessage());
        }
    }

    Set<SearchMode> available() {
        return EnumSet.copyOf(searches.available().isEmpty() ? Set.of(SearchMode.FLOOD) : searches.available());
    }

    @Override
    public void close() {
        closed = true;
        publisher.close();
        timer.shutdownNow();
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception e) {
                log.debug("unsubscribe failed: {}", e.toString());
            }
        }
        files.onChange(() -> {});
        work.shutdownNow();
        searches.close();
        downloads.close();
        if (directoryClient != null) {
            directoryClient.close();
        }
        if (directoryServer != null) {
            directoryServer.close();
        }
        if (keywords != null) {
            keywords.close();
        }
        flood.close();
        responder.close();
    }
}
