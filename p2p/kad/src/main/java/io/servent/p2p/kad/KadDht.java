package io.servent.p2p.kad;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Peerstore;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.ResourceLimitException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.kad.proto.KadProto;
import io.servent.p2p.kad.proto.KadProto.Message;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kademlia DHT service on a {@link Host}: answers {@code /ipfs/kad/1.0.0} requests in server
 * mode, runs lookups (find a peer, the closest peers to a key, providers, values) and keeps its
 * routing table healthy (bootstrap, periodic self-lookup and bucket refresh, liveness checks,
 * provider republishing, expiry).
 *
 * <p>Who gets into the routing table: peers that identify says serve the DHT protocol, peers that
 * answered one of our requests, and peers that sent us a request while advertising the protocol.
 * Clients (peers that do not advertise it) never do, which is why a node in {@link KadMode#CLIENT}
 * mode stays out of others' tables.
 *
 * <p>Threads: lookups run on the caller's thread and send each request from a virtual thread this
 * service owns; inbound requests run on the host's stream-handler threads; periodic maintenance runs
 * on an owned virtual worker, started by a timer that is owned unless one was passed in. The routing
 * table and the stores are guarded by one lock, held only for in-memory work, never across I/O. The
 * clock is injectable so a simulator can drive time. {@link #close()} stops all of it. Thread-safe.
 */
public final class KadDht implements AutoCloseable {
    /** The public DHT's protocol id ({@link KadConfig#protocol()} may name another). */
    public static final String PROTOCOL_ID = KadConfig.DEFAULT_PROTOCOL;

    private static final Logger log = LoggerFactory.getLogger(KadDht.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Host host;
    private final PeerId self;
    private final byte[] selfBytes;
    private final KadConfig config;
    private final KadValidators validators;
    private final InstantSource clock;
    private final ScheduledExecutorService timer;
    private final boolean ownsTimer;
    private final ExecutorService workers;
    private final KadRpc rpc;
    private final Duration tableAddressTtl;

    private final ReentrantLock lock = new ReentrantLock();
    private final KadRoutingTable table;
    private final KadRecordStore records;
    private final KadProviderStore providers;
    /** Keys this node provides, with when it last announced them. */
    private final Map<ByteKey, Instant> provided = new LinkedHashMap<>();

    private final ReentrantLock modeLock = new ReentrantLock();
    private volatile KadMode mode;
    private final AtomicBoolean maintaining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SplittableRandom random;
    private @Nullable AutoCloseable subscription;
    private @Nullable ScheduledFuture<?> maintenance;

    private final KadQueryCounters counters = new KadQueryCounters();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong lookupRequests = new AtomicLong();
    private final AtomicLong lookupHops = new AtomicLong();
    private final AtomicLong lookupNanos = new AtomicLong();
    private final AtomicInteger maxLookupHops = new AtomicInteger();

    private KadDht(
            Host host,
            KadConfig config,
            KadValidators validators,
            InstantSource clock,
            @Nullable ScheduledExecutorService timer) {
        this.host = host;
        this.self = host.peerId();
        this.selfBytes = self.bytes();
        this.config = config;
        this.validators = validators;
        this.clock = clock;
        this.ownsTimer = timer == null;
        this.timer = timer != null
                ? timer
                : Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual()
                        .name("kad-timer-" + self.shortString())
                        .factory());
        this.workers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("kad-" + self.shortString() + "-", 1).factory());
        this.rpc = new KadRpc(host, config, counters);
        this.table = KadRoutingTable.of(self, config);
        this.records = KadRecordStore.of(self, validators, config);
        this.providers = KadProviderStore.of(config);
        this.mode = config.mode();
        this.random = new SplittableRandom();
        Duration threeRefreshes = config.refreshInterval().multipliedBy(3);
        this.tableAddressTtl = threeRefreshes.compareTo(Peerstore.RECENTLY_CONNECTED_TTL) > 0
                ? threeRefreshes
                : Peerstore.RECENTLY_CONNECTED_TTL;
    }

    /** Starts a DHT on {@code host} with the default validators, the system clock and its own timer. */
    public static KadDht start(Host host, KadConfig config) {
        return start(host, config, KadValidators.defaults(), InstantSource.system(), null);
    }

    /**
     * Starts a DHT on {@code host}.
     *
     * @param timer runs the periodic maintenance; shared timers (a simulator's) are not shut down by
     *     {@link #close()}, only this DHT's tasks on them are cancelled. Null for an owned one.
     */
    public static KadDht start(
            Host host,
            KadConfig config,
            KadValidators validators,
            InstantSource clock,
            @Nullable ScheduledExecutorService timer) {
        KadDht dht = new KadDht(host, config, validators, clock, timer);
        dht.init();
        return dht;
    }

    private void init() {
        subscription = host.subscribe(this::onEvent);
        applyMode(mode);
        for (PeerId peer : host.peerstore().peers()) {
            if (!host.connections(peer).isEmpty()
                    && host.peerstore().protocols(peer).contains(config.protocol())) {
                offer(peer);
            }
        }
        long period = config.refreshInterval().toNanos();
        maintenance =
                this.timer.scheduleWithFixedDelay(() -> submit(this::maintain), period, period, TimeUnit.NANOSECONDS);
    }

    public KadConfig config() {
        return config;
    }

    // ---- mode ----

    public KadMode mode() {
        return mode;
    }

    /**
     * Switches between client and server at runtime: a server registers the protocol handler (identify
     * then announces it and peers add this node), a client removes it (peers drop this node when
     * identify-push tells them).
     */
    public void setMode(KadMode value) {
        modeLock.lock();
        try {
            if (value != mode) {
                mode = value;
                applyMode(value);
                log.info("{} DHT now in {} mode", self.shortString(), value);
            }
        } finally {
            modeLock.unlock();
        }
    }

    private void applyMode(KadMode value) {
        if (closed.get()) {
            return;
        }
        if (value == KadMode.SERVER) {
            host.setStreamHandler(config.protocol(), this::serve);
        } else {
            host.removeStreamHandler(config.protocol());
        }
    }

    // ---- routing table upkeep ----

    private void onEvent(HostEvent event) {
        if (event instanceof HostEvent.PeerIdentified identified) {
            if (identified.protocols().contains(config.protocol())) {
                offer(identified.peer());
            } else if (removeFromTable(identified.peer())) {
                log.debug(
                        "removed {} from the routing table: it no longer serves {}",
                        identified.peer(),
                        config.protocol());
            }
        }
    }

    /** Offers a peer known to serve the DHT to the routing table, and starts a liveness check if asked. */
    private void offer(PeerId peer) {
        if (peer.equals(self) || closed.get()) {
            return;
        }
        long[] groups = KadIpGroups.of(
                host.peerstore().addresses(peer), config.ipDiversity().exemptNonPublic());
        KadRoutingTable.Insertion insertion;
        lock.lock();
        try {
            insertion = table.offer(peer, groups, clock.instant());
        } finally {
            lock.unlock();
        }
        switch (insertion) {
            case KadRoutingTable.Insertion.Added added -> {
                keepAddresses(peer);
                log.debug("{} added {} to its routing table", self.shortString(), peer);
            }
            case KadRoutingTable.Insertion.Updated updated -> keepAddresses(peer);
            case KadRoutingTable.Insertion.Pending pending ->
                pending.check().ifPresent(member -> submit(() -> checkLiveness(member)));
            case KadRoutingTable.Insertion.Rejected rejected ->
                log.debug("not adding {} to the routing table: {}", peer, rejected.reason());
        }
    }

    /** Keeps a table member's addresses in the peerstore past the usual post-disconnect expiry. */
    private void keepAddresses(PeerId peer) {
        List<Multiaddr> addresses = host.peerstore().addresses(peer);
        if (!addresses.isEmpty()) {
            host.peerstore().addAddresses(peer, addresses, tableAddressTtl);
        }
    }

    private boolean removeFromTable(PeerId peer) {
        lock.lock();
        try {
            boolean member = table.contains(peer);
            table.remove(peer);
            return member;
        } finally {
            lock.unlock();
        }
    }

    private void recordFailure(PeerId peer) {
        Optional<PeerId> promoted;
        boolean wasMember;
        lock.lock();
        try {
            wasMember = table.contains(peer);
            promoted = table.recordFailure(peer);
            wasMember &= !table.contains(peer);
        } finally {
            lock.unlock();
        }
        if (wasMember) {
            log.debug("evicted {} from the routing table after {} failed requests", peer, config.maxFailures());
        }
        promoted.ifPresent(p -> log.debug("promoted {} from the replacement cache", p));
    }

    /**
     * A member is alive if it answers a FIND_NODE for our own key: a connection alone does not show
     * it still serves the DHT (a liar or a stalled peer keeps its connection open).
     */
    private void checkLiveness(PeerId peer) {
        boolean alive = ping(peer);
        Optional<PeerId> promoted;
        lock.lock();
        try {
            promoted = table.livenessChecked(peer, alive, clock.instant());
        } finally {
            lock.unlock();
        }
        if (!alive) {
            log.debug("evicted {} from the routing table: it failed a liveness check", peer);
        }
        promoted.ifPresent(p -> log.debug("promoted {} from the replacement cache", p));
    }

    private boolean ping(PeerId peer) {
        try {
            rpc.request(peer, KadMessages.request(Message.MessageType.FIND_NODE, selfBytes), new KadRpc.Call());
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // ---- serving requests ----

    private void serve(Stream stream) throws IOException {
        PeerId from = stream.remotePeer();
        stream.setReadTimeout(config.streamIdleTimeout());
        stream.setWriteTimeout(config.requestTimeout());
        if (host.peerstore().protocols(from).contains(config.protocol())) {
            offer(from);
        }
        try {
            while (true) {
                Optional<byte[]> bytes =
                        LengthPrefixed.read(stream.in(), config.limits().maxRequestSize());
                if (bytes.isEmpty()) {
                    return;
                }
                Message request = KadMessages.parse(bytes.get(), "request");
                Optional<byte[]> response = handle(from, request, bytes.get());
                counters.served(request.getType());
                if (response.isPresent()) {
                    LengthPrefixed.write(stream.out(), response.get());
                    stream.out().flush();
                }
            }
        } catch (ProtocolViolationException e) {
            log.info("closing {} stream from {}: {}", config.protocol(), from, e.getMessage());
            stream.reset();
        }
    }

    /** The encoded response to {@code request} from {@code from}, if its type has one. */
    private Optional<byte[]> handle(PeerId from, Message request, byte[] raw) throws ProtocolViolationException {
        byte[] key = request.getKey().toByteArray();
        return switch (request.getType()) {
            case FIND_NODE -> {
                requireKey(request, key);
                yield Optional.of(findNodeResponse(from, request, key).toByteArray());
            }
            case GET_VALUE -> {
                requireKey(request, key);
                yield Optional.of(getValueResponse(from, request, key).toByteArray());
            }
            case PUT_VALUE -> {
                putValueFrom(from, request, key);
                // go-libp2p checks that the reply echoes the record; echo the request byte for byte.
                yield Optional.of(raw);
            }
            case ADD_PROVIDER -> {
                addProviderFrom(from, request, key);
                yield Optional.empty();
            }
            case GET_PROVIDERS -> {
                requireMultihash(request, key);
                yield Optional.of(getProvidersResponse(from, request, key).toByteArray());
            }
            case PING ->
                Optional.of(Message.newBuilder()
                        .setType(Message.MessageType.PING)
                        .build()
                        .toByteArray());
            case UNRECOGNIZED -> throw new ProtocolViolationException("unknown message type " + request.getTypeValue());
        };
    }

    private void requireKey(Message request, byte[] key) throws ProtocolViolationException {
        if (key.length == 0) {
            throw new ProtocolViolationException(request.getType() + " request without a key");
        }
        if (key.length > config.limits().maxKeySize()) {
            throw new ProtocolViolationException(request.getType() + " key of " + key.length + " bytes exceeds "
                    + config.limits().maxKeySize());
        }
    }

    private static void requireMultihash(Message request, byte[] key) throws ProtocolViolationException {
        try {
            Multihash.decode(key);
        } catch (MultiformatException e) {
            throw new ProtocolViolationException(request.getType() + " key is not a multihash: " + e.getMessage(), e);
        }
    }

    private Message.Builder response(Message request) {
        return Message.newBuilder().setType(request.getType()).setClusterLevelRaw(request.getClusterLevelRaw());
    }

    private Message findNodeResponse(PeerId from, Message request, byte[] key) {
        Message.Builder response = response(request);
        if (Arrays.equals(key, selfBytes)) {
            response.addCloserPeers(KadMessages.peer(self, host.advertisedAddresses(), maxAddresses()));
            return response.build();
        }
        List<PeerId> closest = closerPeers(KadKey.of(key), from, response);
        // As go-libp2p does: a connected target (even a client) is worth telling the asker about.
        try {
            PeerId target = KadPeerIds.fromBytes(key);
            if (!target.equals(from)
                    && !closest.contains(target)
                    && !host.connections(target).isEmpty()) {
                List<Multiaddr> addresses = host.peerstore().addresses(target);
                if (!addresses.isEmpty()) {
                    response.addCloserPeers(KadMessages.peer(target, addresses, maxAddresses()));
                }
            }
        } catch (MultiformatException notAPeerId) {
            // FIND_NODE keys are usually PeerIds, but any bytes are a point in the key space.
        }
        return response.build();
    }

    /** Adds the k closest table members with known addresses (never the asker) to {@code response}. */
    private List<PeerId> closerPeers(KadKey target, PeerId asker, Message.Builder response) {
        List<PeerId> closest;
        lock.lock();
        try {
            closest = table.closest(target, config.k(), asker::equals);
        } finally {
            lock.unlock();
        }
        for (PeerId peer : closest) {
            List<Multiaddr> addresses = host.peerstore().addresses(peer);
            if (!addresses.isEmpty()) {
                response.addCloserPeers(KadMessages.peer(peer, addresses, maxAddresses()));
            }
        }
        return closest;
    }

    private Message getValueResponse(PeerId from, Message request, byte[] key) {
        Message.Builder response = response(request).setKey(request.getKey());
        Instant now = clock.instant();
        Optional<KadRecordStore.Stored> stored;
        lock.lock();
        try {
            stored = records.get(key, now);
        } finally {
            lock.unlock();
        }
        if (stored.isPresent()) {
            response.setRecord(
                    KadMessages.record(key, stored.get().value(), stored.get().received()));
        } else {
            knownPublicKey(key).ifPresent(pk -> response.setRecord(KadMessages.record(key, pk, now)));
        }
        closerPeers(KadKey.of(key), from, response);
        return response.build();
    }

    /** For {@code /pk/<id>}: the key of that peer if this node knows it (from the id itself or identify). */
    private Optional<byte[]> knownPublicKey(byte[] key) {
        if (!KadPublicKeyValidator.NAMESPACE.equals(KadRecordKeys.namespace(key))) {
            return Optional.empty();
        }
        PeerId peer;
        try {
            peer = PeerId.fromBytes(Arrays.copyOfRange(key, 4, key.length));
        } catch (MultiformatException e) {
            return Optional.empty();
        }
        Optional<PublicKey> pk = peer.equals(self)
                ? Optional.of(host.publicKey())
                : host.peerstore().publicKey(peer);
        return pk.or(peer::publicKey).map(PublicKey::marshal);
    }

    private void putValueFrom(PeerId from, Message request, byte[] key) throws ProtocolViolationException {
        if (!request.hasRecord()) {
            throw new ProtocolViolationException("PUT_VALUE without a record");
        }
        byte[] recordKey = request.getRecord().getKey().toByteArray();
        if (!Arrays.equals(recordKey, key)) {
            throw new ProtocolViolationException("PUT_VALUE record key " + KadRecordKeys.describe(recordKey)
                    + " differs from the message key " + KadRecordKeys.describe(key));
        }
        try {
            lock.lock();
            try {
                records.put(key, request.getRecord().getValue().toByteArray(), from, clock.instant());
            } finally {
                lock.unlock();
            }
        } catch (InvalidRecordException e) {
            throw new InvalidRecordException(
                    "rejected PUT_VALUE of " + KadRecordKeys.describe(key) + ": " + e.getMessage(), e);
        }
    }

    private void addProviderFrom(PeerId from, Message request, byte[] key) throws ProtocolViolationException {
        requireMultihash(request, key);
        List<KadPeer> announced = KadMessages.peers(request.getProviderPeersList(), maxPeers(), maxAddresses());
        for (KadPeer provider : announced) {
            if (!provider.id().equals(from)) {
                log.debug("ignoring ADD_PROVIDER from {} on behalf of {}", from, provider.id());
                continue;
            }
            if (!provider.addresses().isEmpty()) {
                host.peerstore().addAddresses(from, provider.addresses(), config.providerTtl());
            }
            Optional<String> refusal;
            lock.lock();
            try {
                refusal = providers.add(key, from, clock.instant());
            } finally {
                lock.unlock();
            }
            refusal.ifPresent(reason ->
                    log.info("not recording {} as a provider of {}: {}", from, KadRecordKeys.describe(key), reason));
            return;
        }
    }

    private Message getProvidersResponse(PeerId from, Message request, byte[] key) {
        Message.Builder response = response(request).setKey(request.getKey());
        List<PeerId> found;
        lock.lock();
        try {
            found = providers.providers(key, clock.instant(), config.k());
        } finally {
            lock.unlock();
        }
        for (PeerId provider : found) {
            List<Multiaddr> addresses = provider.equals(self)
                    ? host.advertisedAddresses()
                    : host.peerstore().addresses(provider);
            response.addProviderPeers(KadMessages.peer(provider, addresses, maxAddresses()));
        }
        closerPeers(KadKey.of(key), from, response);
        return response.build();
    }

    private int maxAddresses() {
        return config.limits().maxAddressesPerPeer();
    }

    private int maxPeers() {
        return config.limits().maxPeersPerMessage();
    }

    // ---- lookups ----

    /** What a lookup does with each good response; true stops the lookup. Runs on the lookup's thread. */
    @FunctionalInterface
    private interface ResponseHandler {
        boolean onResponse(PeerId from, Message response);
    }

    private record Reply(
            PeerId peer,
            @Nullable Message response,
            @Nullable Exception error) {}

    private KadLookupResult lookup(byte[] key, Message request, Collection<PeerId> extraSeeds, ResponseHandler handler)
            throws InterruptedIOException {
        requireOpen();
        KadKey target = KadKey.of(key);
        Instant start = clock.instant();
        long startNanos = System.nanoTime();
        List<PeerId> seeds;
        lock.lock();
        try {
            seeds = new ArrayList<>(table.closest(target, config.k()));
            table.markLookup(target, start);
        } finally {
            lock.unlock();
        }
        for (PeerId extra : extraSeeds) {
            if (!seeds.contains(extra)) {
                seeds.add(extra);
            }
        }
        KadLookup lookup = new KadLookup(
                target,
                self,
                seeds,
                config.k(),
                config.alpha(),
                config.disjointPaths(),
                config.requestTimeout(),
                start.plus(config.lookupTimeout()));
        LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        Map<PeerId, KadRpc.Call> calls = new HashMap<>();
        boolean interrupted = false;
        try {
            while (true) {
                Instant now = clock.instant();
                for (PeerId peer : lookup.next(now)) {
                    KadRpc.Call call = new KadRpc.Call();
                    calls.put(peer, call);
                    if (!submit(() -> replies.add(send(peer, request, call)))) {
                        replies.add(new Reply(peer, null, new IOException("the DHT is closing")));
                    }
                }
                for (Map.Entry<PeerId, KadRpc.Call> e : calls.entrySet()) {
                    if (lookup.state(e.getKey()).orElse(null) == KadLookup.State.TIMED_OUT) {
                        e.getValue().cancel();
                    }
                }
                if (lookup.isFinished(now)) {
                    break;
                }
                long waitNanos = Math.max(
                        0, Duration.between(now, lookup.nextWakeup(now)).toNanos());
                Reply reply = replies.poll(waitNanos, TimeUnit.NANOSECONDS);
                while (reply != null) {
                    calls.remove(reply.peer());
                    onReply(lookup, reply, handler);
                    reply = replies.poll();
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            calls.values().forEach(KadRpc.Call::cancel);
        }
        KadLookup.Stats stats = lookup.stats();
        long nanos = System.nanoTime() - startNanos;
        lookups.incrementAndGet();
        lookupRequests.addAndGet(stats.requests());
        lookupHops.addAndGet(stats.hops());
        lookupNanos.addAndGet(nanos);
        counters.lookupDone(request.getType(), nanos);
        maxLookupHops.accumulateAndGet(stats.hops(), Math::max);
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("lookup interrupted");
        }
        log.debug("{} lookup for {}: {} in {} ms", request.getType(), target, stats, nanos / 1_000_000);
        return new KadLookupResult(lookup.closest(), stats, Duration.ofNanos(nanos));
    }

    private Reply send(PeerId peer, Message request, KadRpc.Call call) {
        try {
            return new Reply(peer, rpc.request(peer, request, call), null);
        } catch (IOException | RuntimeException e) {
            return new Reply(peer, null, e);
        }
    }

    private void onReply(KadLookup lookup, Reply reply, ResponseHandler handler) {
        Instant now = clock.instant();
        PeerId peer = reply.peer();
        Message response = reply.response();
        if (response == null) {
            Exception error = reply.error();
            lookup.onFailure(peer, now);
            if (error instanceof ProtocolViolationException) {
                log.info("dropping {} from a lookup: {}", peer, error.getMessage());
            } else {
                log.debug("dropping {} from a lookup: {}", peer, error == null ? "no answer" : error.toString());
            }
            recordFailure(peer);
            return;
        }
        List<KadPeer> closer = KadMessages.peers(response.getCloserPeersList(), maxPeers(), maxAddresses());
        List<PeerId> ids = new ArrayList<>(closer.size());
        for (KadPeer c : closer) {
            if (c.id().equals(self)) {
                continue;
            }
            if (!c.addresses().isEmpty()) {
                host.peerstore().addAddresses(c.id(), c.addresses(), Peerstore.TEMPORARY_TTL);
            }
            ids.add(c.id());
        }
        lookup.onResponse(peer, ids, now);
        offer(peer);
        if (handler.onResponse(peer, response)) {
            lookup.cancel();
        }
    }

    /** The k closest DHT servers to {@code key} that answered, found by FIND_NODE lookups. */
    public KadLookupResult closestPeers(byte[] key) throws IOException {
        return lookup(key, KadMessages.request(Message.MessageType.FIND_NODE, key), List.of(), (p, r) -> false);
    }

    /**
     * Finds a peer's addresses: at once if it is connected, else by a lookup that stops as soon as a
     * peer reports it with addresses (or it answers itself).
     */
    public Optional<KadPeer> findPeer(PeerId peer) throws IOException {
        if (peer.equals(self)) {
            return Optional.of(new KadPeer(self, host.advertisedAddresses()));
        }
        if (!host.connections(peer).isEmpty()) {
            return Optional.of(new KadPeer(peer, host.peerstore().addresses(peer)));
        }
        byte[] key = peer.bytes();
        AtomicReference<@Nullable KadPeer> found = new AtomicReference<>();
        lookup(key, KadMessages.request(Message.MessageType.FIND_NODE, key), List.of(), (from, response) -> {
            if (from.equals(peer)) {
                found.set(new KadPeer(peer, host.peerstore().addresses(peer)));
                return true;
            }
            for (KadPeer c : KadMessages.peers(response.getCloserPeersList(), maxPeers(), maxAddresses())) {
                if (c.id().equals(peer) && !c.addresses().isEmpty()) {
                    found.set(c);
                    return true;
                }
            }
            return false;
        });
        return Optional.ofNullable(found.get());
    }

    // ---- bootstrap and maintenance ----

    /**
     * Joins the DHT through {@code peers} ({@code /…/p2p/<id>} addresses; may be empty to use the
     * routing table): connects to them, looks up this node's own key, then refreshes every bucket.
     *
     * @return the routing table size afterwards
     * @throws IOException if no bootstrap peer could be reached and the table is empty
     */
    public int bootstrap(Collection<Multiaddr> peers) throws IOException {
        requireOpen();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<PeerId> reached = new ArrayList<>();
        List<Future<Optional<PeerId>>> dials = new ArrayList<>();
        for (Multiaddr address : peers) {
            if (address.peerId().isEmpty()) {
                throw new IllegalArgumentException("bootstrap addresses must end in /p2p/<id>: " + address);
            }
            dials.add(workers.submit(() -> {
                try {
                    return Optional.of(host.connect(address).remotePeer());
                } catch (IOException e) {
                    failures.add(address + ": " + e.getMessage());
                    return Optional.empty();
                }
            }));
        }
        for (Future<Optional<PeerId>> dial : dials) {
            try {
                dial.get().ifPresent(reached::add);
            } catch (ExecutionException e) {
                failures.add(String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("bootstrap interrupted");
            }
        }
        int tableSize = routingTableSize();
        if (reached.isEmpty() && tableSize == 0) {
            throw new IOException("could not bootstrap: no bootstrap peer reachable and the routing table is empty"
                    + (failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")"));
        }
        lookup(selfBytes, KadMessages.request(Message.MessageType.FIND_NODE, selfBytes), reached, (p, r) -> false);
        refreshBuckets(Duration.ZERO);
        int size = routingTableSize();
        log.info("{} bootstrapped: {} peers in the routing table", self.shortString(), size);
        return size;
    }

    /** Looks up a random key in every bucket not looked up within {@code interval}, concurrently. */
    private void refreshBuckets(Duration interval) throws InterruptedIOException {
        List<byte[]> keys = new ArrayList<>();
        lock.lock();
        try {
            for (int cpl : table.bucketsToRefresh(clock.instant(), interval)) {
                keys.add(table.randomKeyInBucket(cpl, random.split()));
            }
        } finally {
            lock.unlock();
        }
        List<Future<?>> running = new ArrayList<>();
        for (byte[] key : keys) {
            running.add(workers.submit(() -> {
                closestPeers(key);
                return null;
            }));
        }
        awaitAll(running, config.lookupTimeout().plus(config.requestTimeout()));
    }

    private void awaitAll(List<? extends Future<?>> futures, Duration bound) throws InterruptedIOException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (Future<?> f : futures) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                f.cancel(true);
            } catch (InterruptedException e) {
                futures.forEach(x -> x.cancel(true));
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
    }

    /** The periodic run: self-lookup, bucket refresh, liveness sweep, expiry and republishing. */
    void maintain() {
        if (closed.get() || !maintaining.compareAndSet(false, true)) {
            return;
        }
        try {
            lookup(
                    selfBytes,
                    KadMessages.request(Message.MessageType.FIND_NODE, selfBytes),
                    List.of(),
                    (p, r) -> false);
            refreshBuckets(config.refreshInterval());
            List<PeerId> stale;
            Instant now = clock.instant();
            lock.lock();
            try {
                stale = table.stalePeers(now, config.refreshInterval());
                int records = this.records.expire(now);
                int providerEntries = providers.expire(now);
                if (records + providerEntries > 0) {
                    log.debug("expired {} records and {} provider entries", records, providerEntries);
                }
            } finally {
                lock.unlock();
            }
            List<Future<?>> checks = new ArrayList<>();
            for (PeerId peer : stale) {
                checks.add(workers.submit(() -> checkLiveness(peer)));
            }
            awaitAll(checks, config.requestTimeout().multipliedBy(2));
            republish();
        } catch (InterruptedIOException e) {
            // Closing.
        } catch (IOException | RuntimeException e) {
            if (!closed.get()) {
                log.warn("DHT maintenance failed: {}", e.toString());
            }
        } finally {
            maintaining.set(false);
        }
    }

    private void republish() throws IOException {
        List<byte[]> due = new ArrayList<>();
        Instant now = clock.instant();
        lock.lock();
        try {
            for (Map.Entry<ByteKey, Instant> e : provided.entrySet()) {
                if (!now.isBefore(e.getValue().plus(config.provideInterval()))) {
                    due.add(e.getKey().bytes());
                }
            }
        } finally {
            lock.unlock();
        }
        for (byte[] key : due) {
            announce(key);
        }
        if (!due.isEmpty()) {
            log.debug("republished {} provider records", due.size());
        }
    }

    // ---- providers ----

    /**
     * Announces this node as a provider of {@code cid} to the k closest servers of its multihash, and
     * republishes the announcement every {@link KadConfig#provideInterval()} until {@link #stopProviding}.
     *
     * @return how many peers the announcement was sent to
     */
    public int provide(Cid cid) throws IOException {
        byte[] key = cid.multihash().bytes();
        lock.lock();
        try {
            ByteKey k = new ByteKey(key);
            if (!provided.containsKey(k) && provided.size() >= config.limits().maxProvidedKeys()) {
                throw new ResourceLimitException("this node already provides " + provided.size()
                        + " keys (maxProvidedKeys = " + config.limits().maxProvidedKeys() + ")");
            }
            providers.add(key, self, clock.instant());
        } finally {
            lock.unlock();
        }
        return announce(key);
    }

    /** Stops republishing {@code cid}; the records at other peers lapse within the provider TTL. */
    public void stopProviding(Cid cid) {
        lock.lock();
        try {
            provided.remove(new ByteKey(cid.multihash().bytes()));
        } finally {
            lock.unlock();
        }
    }

    private int announce(byte[] key) throws IOException {
        KadLookupResult closest = closestPeers(key);
        lock.lock();
        try {
            provided.put(new ByteKey(key), clock.instant());
        } finally {
            lock.unlock();
        }
        Message message = Message.newBuilder()
                .setType(Message.MessageType.ADD_PROVIDER)
                .setKey(ByteString.copyFrom(key))
                .addProviderPeers(KadMessages.peer(self, host.advertisedAddresses(), maxAddresses()))
                .build();
        return fanOut(closest.closest(), (peer, call) -> {
            rpc.send(peer, message, call);
            return true;
        });
    }

    /** Providers of {@code cid}, at most {@code max}: local ones first, then from a GET_PROVIDERS lookup. */
    public List<KadPeer> findProviders(Cid cid, int max) throws IOException {
        List<KadPeer> found = new ArrayList<>();
        findProviders(cid, max, found::add);
        return found;
    }

    /**
     * Streams providers of {@code cid} to {@code consumer} (on this thread) as they are found, each
     * once, stopping after {@code max}. Their addresses are kept in the peerstore for a while.
     */
    public void findProviders(Cid cid, int max, Consumer<KadPeer> consumer) throws IOException {
        if (max <= 0) {
            return;
        }
        byte[] key = cid.multihash().bytes();
        Set<PeerId> seen = new HashSet<>();
        List<PeerId> local;
        lock.lock();
        try {
            local = providers.providers(key, clock.instant(), max);
        } finally {
            lock.unlock();
        }
        for (PeerId p : local) {
            seen.add(p);
            consumer.accept(new KadPeer(
                    p,
                    p.equals(self)
                            ? host.advertisedAddresses()
                            : host.peerstore().addresses(p)));
        }
        if (seen.size() >= max) {
            return;
        }
        lookup(key, KadMessages.request(Message.MessageType.GET_PROVIDERS, key), List.of(), (from, response) -> {
            for (KadPeer p : KadMessages.peers(response.getProviderPeersList(), maxPeers(), maxAddresses())) {
                if (!seen.add(p.id())) {
                    continue;
                }
                if (!p.addresses().isEmpty() && !p.id().equals(self)) {
                    host.peerstore().addAddresses(p.id(), p.addresses(), Peerstore.RECENTLY_CONNECTED_TTL);
                }
                consumer.accept(
                        p.addresses().isEmpty()
                                ? new KadPeer(p.id(), host.peerstore().addresses(p.id()))
                                : p);
                if (seen.size() >= max) {
                    return true;
                }
            }
            return false;
        });
    }

    // ---- values ----

    /**
     * Stores a record here and at the k closest servers to its key.
     *
     * @return how many remote peers confirmed storing it
     * @throws InvalidRecordException if the record is invalid (no validator for its namespace, bad
     *     signature, …) or older than the one stored here
     */
    public int putValue(byte[] key, byte[] value) throws IOException {
        Instant now = clock.instant();
        lock.lock();
        try {
            records.put(key, value, self, now);
        } finally {
            lock.unlock();
        }
        KadLookupResult closest = closestPeers(key);
        Message message = Message.newBuilder()
                .setType(Message.MessageType.PUT_VALUE)
                .setKey(ByteString.copyFrom(key))
                .setRecord(KadMessages.record(key, value, now))
                .build();
        return fanOut(closest.closest(), (peer, call) -> {
            Message response = rpc.request(peer, message, call);
            return response.hasRecord()
                    && Arrays.equals(response.getRecord().getValue().toByteArray(), value);
        });
    }

    /** A record a peer returned. */
    private static final class Found {
        private final PeerId peer;
        private final byte[] value;

        Found(PeerId peer, byte[] value) {
            this.peer = peer;
            this.value = value;
        }

        PeerId peer() {
            return peer;
        }

        byte[] value() {
            return value;
        }
    }

    /**
     * Gets the best record for {@code key}: collects up to {@link KadConfig#quorum()} valid records
     * (this node's own counts as one), picks the best with the namespace's validator, and sends it to
     * the peers that returned worse ones (the spec's entry correction).
     *
     * @throws InvalidRecordException if no validator accepts the key's namespace
     */
    public Optional<byte[]> getValue(byte[] key) throws IOException {
        if (validators.forKey(key).isEmpty()) {
            throw new InvalidRecordException("no validator for the namespace of " + KadRecordKeys.describe(key));
        }
        List<Found> found = new ArrayList<>();
        lock.lock();
        try {
            records.get(key, clock.instant()).ifPresent(s -> found.add(new Found(self, s.value())));
        } finally {
            lock.unlock();
        }
        if (found.size() < config.quorum()) {
            lookup(key, KadMessages.request(Message.MessageType.GET_VALUE, key), List.of(), (from, response) -> {
                if (response.hasRecord()) {
                    acceptRecord(key, from, response.getRecord()).ifPresent(v -> found.add(new Found(from, v)));
                }
                return found.size() >= config.quorum();
            });
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        byte[] best = found.get(
                        validators.select(key, found.stream().map(Found::value).toList()))
                .value();
        List<PeerId> outdated = found.stream()
                .filter(f -> !f.peer().equals(self) && !Arrays.equals(f.value(), best))
                .map(Found::peer)
                .toList();
        if (!outdated.isEmpty()) {
            Message correction = Message.newBuilder()
                    .setType(Message.MessageType.PUT_VALUE)
                    .setKey(ByteString.copyFrom(key))
                    .setRecord(KadMessages.record(key, best, clock.instant()))
                    .build();
            for (PeerId peer : outdated) {
                submit(() -> send(peer, correction, new KadRpc.Call()));
            }
        }
        return Optional.of(best);
    }

    private Optional<byte[]> acceptRecord(byte[] key, PeerId from, KadProto.Record record) {
        if (!Arrays.equals(record.getKey().toByteArray(), key)) {
            log.info(
                    "ignoring a record from {}: asked for {}, got {}",
                    from,
                    KadRecordKeys.describe(key),
                    KadRecordKeys.describe(record.getKey().toByteArray()));
            return Optional.empty();
        }
        byte[] value = record.getValue().toByteArray();
        try {
            records.check(key, value);
            return Optional.of(value);
        } catch (InvalidRecordException e) {
            log.info(
                    "ignoring an invalid record for {} from {}: {}", KadRecordKeys.describe(key), from, e.getMessage());
            return Optional.empty();
        }
    }

    // ---- fan-out ----

    @FunctionalInterface
    private interface Action {
        boolean run(PeerId peer, KadRpc.Call call) throws IOException;
    }

    /** Runs {@code action} against every peer concurrently; returns how many succeeded in time. */
    private int fanOut(List<PeerId> peers, Action action) throws InterruptedIOException {
        List<KadRpc.Call> calls = new ArrayList<>();
        List<Future<Boolean>> results = new ArrayList<>();
        for (PeerId peer : peers) {
            KadRpc.Call call = new KadRpc.Call();
            calls.add(call);
            try {
                results.add(workers.submit(() -> {
                    try {
                        boolean ok = action.run(peer, call);
                        if (ok) {
                            offer(peer);
                        }
                        return ok;
                    } catch (IOException | RuntimeException e) {
                        log.debug("request to {} failed: {}", peer, e.toString());
                        recordFailure(peer);
                        return false;
                    }
                }));
            } catch (RejectedExecutionException closing) {
                break;
            }
        }
        long deadline =
                System.nanoTime() + config.requestTimeout().multipliedBy(2).toNanos();
        int ok = 0;
        try {
            for (Future<Boolean> result : results) {
                try {
                    if (result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        ok++;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // Counted as not stored.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
            }
        } finally {
            calls.forEach(KadRpc.Call::cancel);
        }
        return ok;
    }

    // ---- introspection ----

    public int routingTableSize() {
        lock.lock();
        try {
            return table.size();
        } finally {
            lock.unlock();
        }
    }

    /** The routing table's members. */
    public List<PeerId> routingTable() {
        lock.lock();
        try {
            return table.peers();
        } finally {
            lock.unlock();
        }
    }

    /** Lookups, requests sent and served, by type (for metrics). */
    public KadQueryCounters queryCounters() {
        return counters;
    }

    public KadStats stats() {
        lock.lock();
        try {
            return new KadStats(
                    mode,
                    table.size(),
                    table.bucketSizes(),
                    table.estimateNetworkSize(),
                    records.size(),
                    providers.size(),
                    provided.size(),
                    lookups.get(),
                    lookupRequests.get(),
                    lookupHops.get(),
                    maxLookupHops.get(),
                    lookupNanos.get());
        } finally {
            lock.unlock();
        }
    }

    // ---- lifecycle ----

    private boolean submit(Runnable task) {
        try {
            workers.execute(task);
            return true;
        } catch (RejectedExecutionException closing) {
            return false;
        }
    }

    private void requireOpen() throws InterruptedIOException {
        if (closed.get()) {
            throw new InterruptedIOException("the DHT is closed");
        }
    }

    /** Stops serving, cancels requests and timers, and waits briefly for the worker threads to end. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> task = maintenance;
        if (task != null) {
            task.cancel(false);
        }
        if (ownsTimer) {
            timer.shutdownNow();
        }
        AutoCloseable sub = subscription;
        if (sub != null) {
            try {
                sub.close();
            } catch (Exception ignored) {
                // Unsubscribing from a closed host.
            }
        }
        if (mode == KadMode.SERVER) {
            host.removeStreamHandler(config.protocol());
        }
        rpc.close();
        workers.shutdownNow();
        try {
            boolean ended = workers.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (ownsTimer) {
                ended &= timer.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!ended) {
                log.warn("DHT of {} closed with threads still running", self);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether every thread this DHT started has ended (for shutdown tests). */
    public boolean isTerminated() {
        return workers.isTerminated() && (!ownsTimer || timer.isTerminated());
    }

    @Override
    public String toString() {
        return "KadDht[" + self + ", " + mode + "]";
    }
}
