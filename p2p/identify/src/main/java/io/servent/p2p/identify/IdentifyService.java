package io.servent.p2p.identify;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Peerstore;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.Stream;
import io.servent.p2p.identify.proto.IdentifyProto;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identify and identify-push. Answers {@code /ipfs/id/1.0.0} with what this host is, asks every
 * newly connected peer the same, records the answers in the peerstore and publishes
 * {@link HostEvent.PeerIdentified}; pushes a fresh record to connected peers when this host's
 * protocols or addresses change. Identify work runs on virtual threads this service owns.
 * Thread-safe.
 */
public final class IdentifyService implements AutoCloseable {
    public static final String PROTOCOL_ID = "/ipfs/id/1.0.0";
    public static final String PUSH_PROTOCOL_ID = "/ipfs/id/push/1.0.0";
    public static final String DEFAULT_PROTOCOL_VERSION = "ipfs/0.1.0";

    /** js-libp2p caps identify messages at 8 KiB; we accept a little more and send far less. */
    static final int MAX_MESSAGE_SIZE = 16 * 1024;

    static final int MAX_LISTEN_ADDRESSES = 64;
    static final int MAX_PROTOCOLS = 256;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(IdentifyService.class);

    private final Host host;
    private final String agentVersion;
    private final String protocolVersion;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("identify-", 1).factory());
    private final AutoCloseable subscription;
    /**
     * Orders pushes against identify responses: each push received takes the next number, kept per
     * peer while it is connected. A response to a request made before a push arrived may describe
     * the peer as it was before that push, so it must not overwrite what the push set.
     */
    private final AtomicLong pushSequence = new AtomicLong();

    private final Map<PeerId, Long> lastPushByPeer = new ConcurrentHashMap<>();

    public IdentifyService(Host host, String agentVersion) {
        this(host, agentVersion, DEFAULT_PROTOCOL_VERSION);
    }

    public IdentifyService(Host host, String agentVersion, String protocolVersion) {
        this.host = host;
        this.agentVersion = agentVersion;
        this.protocolVersion = protocolVersion;
        host.setStreamHandler(PROTOCOL_ID, this::answer);
        host.setStreamHandler(PUSH_PROTOCOL_ID, this::receivePush);
        this.subscription = host.subscribe(this::onEvent);
    }

    private void onEvent(HostEvent event) {
        switch (event) {
            case HostEvent.ConnectionOpened opened -> submit(() -> identify(opened.connection()));
            case HostEvent.LocalProtocolsChanged changed -> pushToAll();
            case HostEvent.LocalAddressesChanged changed -> pushToAll();
            case HostEvent.PeerDisconnected gone -> lastPushByPeer.remove(gone.peer());
            default -> {}
        }
    }

    private void submit(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException closed) {
            // Shutting down.
        }
    }

    /** What this host tells a peer on {@code connection} about itself. */
    IdentifyProto.Identify describeSelf(Connection connection) {
        IdentifyProto.Identify.Builder message = IdentifyProto.Identify.newBuilder()
                .setProtocolVersion(protocolVersion)
                .setAgentVersion(agentVersion)
                .setPublicKey(ByteString.copyFrom(host.publicKey().marshal()))
                .setObservedAddr(ByteString.copyFrom(connection.remoteAddress().bytes()));
        host.advertisedAddresses().stream()
                .limit(MAX_LISTEN_ADDRESSES)
                .forEach(a -> message.addListenAddrs(ByteString.copyFrom(a.bytes())));
        host.protocols().stream().sorted().limit(MAX_PROTOCOLS).forEach(message::addProtocols);
        return message.build();
    }

    private void answer(Stream stream) throws IOException {
        stream.setWriteTimeout(TIMEOUT);
        LengthPrefixed.write(stream.out(), describeSelf(stream.connection()).toByteArray());
        stream.out().flush();
        stream.closeWrite();
    }

    private void receivePush(Stream stream) throws IOException {
        stream.setReadTimeout(TIMEOUT);
        IdentifyProto.Identify message = read(stream);
        lastPushByPeer.put(stream.remotePeer(), pushSequence.incrementAndGet());
        apply(stream.connection(), message, true);
    }

    /** Asks the peer on {@code connection} to identify itself and records the answer. */
    public void identify(Connection connection) {
        long asked = pushSequence.get();
        try (Stream stream = connection.newStream(PROTOCOL_ID)) {
            stream.setReadTimeout(TIMEOUT);
            IdentifyProto.Identify message = read(stream);
            // A push that arrived while we waited is at least as fresh as this answer: the answer
            // then fills in only what the push left out (key, agent), as a push would.
            if (lastPushByPeer.getOrDefault(connection.remotePeer(), 0L) > asked) {
                apply(
                        connection,
                        message.toBuilder().clearListenAddrs().clearProtocols().build(),
                        true);
            } else {
                apply(connection, message, false);
            }
        } catch (IOException e) {
            if (connection.isOpen()) {
                log.debug("identify of {} failed: {}", connection.remotePeer(), e.getMessage());
            }
        }
    }

    private static IdentifyProto.Identify read(Stream stream) throws IOException {
        byte[] bytes = LengthPrefixed.readRequired(stream.in(), MAX_MESSAGE_SIZE);
        try {
            return IdentifyProto.Identify.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolViolationException("malformed identify message: " + e.getMessage(), e);
        }
    }

    /** Validates and records a peer's identify message. A push updates only the fields it carries. */
    void apply(Connection connection, IdentifyProto.Identify message, boolean push) throws ProtocolViolationException {
        PeerId peer = connection.remotePeer();
        Peerstore peerstore = host.peerstore();
        if (message.hasPublicKey()) {
            PublicKey key;
            try {
                key = PublicKey.unmarshal(message.getPublicKey().toByteArray());
            } catch (MultiformatException e) {
                throw new ProtocolViolationException(
                        "identify from " + peer + " carries a bad key: " + e.getMessage(), e);
            }
            if (!peer.matches(key)) {
                throw new ProtocolViolationException("identify from " + peer + " carries another peer's key");
            }
            peerstore.putPublicKey(peer, key);
        }
        if (message.getListenAddrsCount() > MAX_LISTEN_ADDRESSES || message.getProtocolsCount() > MAX_PROTOCOLS) {
            throw new ProtocolViolationException("identify from " + peer + " lists " + message.getListenAddrsCount()
                    + " addresses and " + message.getProtocolsCount() + " protocols; limits are "
                    + MAX_LISTEN_ADDRESSES + " and " + MAX_PROTOCOLS);
        }
        List<Multiaddr> addresses = new ArrayList<>();
        for (ByteString bytes : message.getListenAddrsList()) {
            parse(bytes).ifPresent(addresses::add);
        }
        if (!push || message.getListenAddrsCount() > 0) {
            peerstore.setAddresses(peer, addresses, Peerstore.CONNECTED_TTL);
        }
        if (!push || message.getProtocolsCount() > 0) {
            peerstore.setProtocols(peer, message.getProtocolsList());
        }
        if (message.hasAgentVersion()) {
            peerstore.setAgentVersion(peer, message.getAgentVersion());
        }
        if (message.hasProtocolVersion()) {
            peerstore.setProtocolVersion(peer, message.getProtocolVersion());
        }
        host.publish(new HostEvent.PeerIdentified(
                peer, peerstore.agentVersion(peer).orElse(""), peerstore.protocols(peer), peerstore.addresses(peer)));
    }

    private static Optional<Multiaddr> parse(ByteString bytes) {
        try {
            return Optional.of(Multiaddr.fromBytes(bytes.toByteArray()));
        } catch (MultiformatException e) {
            // One unparseable address (a protocol we don't know) shouldn't discard the rest.
            return Optional.empty();
        }
    }

    private void pushToAll() {
        for (Connection connection : host.connections()) {
            if (host.peerstore().protocols(connection.remotePeer()).contains(PUSH_PROTOCOL_ID)) {
                submit(() -> push(connection));
            }
        }
    }

    private void push(Connection connection) {
        try (Stream stream = connection.newStream(PUSH_PROTOCOL_ID)) {
            stream.setWriteTimeout(TIMEOUT);
            LengthPrefixed.write(stream.out(), describeSelf(connection).toByteArray());
            stream.out().flush();
            stream.closeWrite();
        } catch (IOException e) {
            log.debug("identify-push to {} failed: {}", connection.remotePeer(), e.getMessage());
        }
    }

    @Override
    public void close() {
        host.removeStreamHandler(PROTOCOL_ID);
        host.removeStreamHandler(PUSH_PROTOCOL_ID);
        try {
            subscription.close();
        } catch (Exception ignored) {
            // Unsubscribing cannot meaningfully fail.
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
