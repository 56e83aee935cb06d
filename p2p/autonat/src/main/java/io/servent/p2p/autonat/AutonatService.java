package io.servent.p2p.autonat;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.autonat.proto.AutonatProto;
import io.servent.p2p.autonat.proto.AutonatProto.Message.ResponseStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AutoNAT v1 server: answers {@code /libp2p/autonat/1.0.0} DIAL requests by dialing the
 * requester back on a fresh connection. As the spec demands, it dials only addresses on the IP the
 * request came from (so it cannot be aimed at a third party) and refuses requests over relayed
 * connections (whose IP it cannot see). Requests are rate-limited in total and per peer, and the
 * dial-backs of one request stop after {@link AutonatConfig#dialBackBudget()}.
 *
 * <p>Threads: each request runs on the host's handler thread, dial-backs included. Thread-safe.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/autonat/autonat-v1.md">autonat-v1</a>
 */
public final class AutonatService implements AutoCloseable {
    public static final String PROTOCOL_ID = "/libp2p/autonat/1.0.0";

    private static final Logger log = LoggerFactory.getLogger(AutonatService.class);

    private final Host host;
    private final AutonatConfig config;
    private final AutonatDialBack dialBack;
    private final Clock clock;
    private final AutonatRateLimiter limiter;

    public AutonatService(Host host, AutonatConfig config, AutonatDialBack dialBack) {
        this(host, config, dialBack, Clock.systemUTC());
    }

    AutonatService(Host host, AutonatConfig config, AutonatDialBack dialBack, Clock clock) {
        this.host = host;
        this.config = config;
        this.dialBack = dialBack;
        this.clock = clock;
        this.limiter = new AutonatRateLimiter(
                config.rateWindow(), config.maxRequestsPerWindow(), config.maxRequestsPerPeerPerWindow());
        host.setStreamHandler(PROTOCOL_ID, this::handle);
    }

    private void handle(Stream stream) throws IOException {
        stream.setReadTimeout(config.requestTimeout());
        stream.setWriteTimeout(config.requestTimeout());
        AutonatProto.Message response = answer(stream.connection(), stream);
        AutonatMessages.write(stream, response);
        stream.closeWrite();
    }

    private AutonatProto.Message answer(Connection connection, Stream stream) throws IOException {
        PeerId peer = connection.remotePeer();
        AutonatProto.Message request;
        try {
            request = AutonatMessages.read(stream);
        } catch (ProtocolViolationException e) {
            return refuse(peer, ResponseStatus.E_BAD_REQUEST, String.valueOf(e.getMessage()));
        }
        if (request.getType() != AutonatProto.Message.MessageType.DIAL
                || !request.hasDial()
                || !request.getDial().hasPeer()) {
            return refuse(peer, ResponseStatus.E_BAD_REQUEST, "expected a DIAL with peer info");
        }
        AutonatProto.Message.PeerInfo info = request.getDial().getPeer();
        if (info.hasId() && !info.getId().equals(ByteString.copyFrom(peer.bytes()))) {
            return refuse(peer, ResponseStatus.E_BAD_REQUEST, "the DIAL names another peer than the requester");
        }
        if (connection.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT)) {
            return refuse(peer, ResponseStatus.E_DIAL_REFUSED, "refusing to dial back over a relayed connection");
        }
        Optional<InetAddress> observed =
                connection.remoteAddress().toTcpSocketAddress().map(InetSocketAddress::getAddress);
        if (observed.isEmpty()) {
            return refuse(peer, ResponseStatus.E_DIAL_REFUSED, "the request came from no IP address");
        }
        List<Multiaddr> candidates = candidates(info, observed.get());
        if (candidates.isEmpty()) {
            return refuse(
                    peer,
                    ResponseStatus.E_DIAL_REFUSED,
                    "no dialable address on " + observed.get().getHostAddress());
        }
        Optional<String> limited = limiter.admit(peer, clock.instant());
        if (limited.isPresent()) {
            return refuse(peer, ResponseStatus.E_DIAL_REFUSED, "rate limited: " + limited.get());
        }
        Instant deadline = clock.instant().plus(config.dialBackBudget());
        List<String> failures = new ArrayList<>();
        for (Multiaddr address : candidates) {
            if (!clock.instant().isBefore(deadline)) {
                failures.add("out of time before " + address);
                break;
            }
            try {
                dialBack.dialBack(address.withPeerId(peer));
                log.debug("dialed {} back at {}", peer, address);
                return AutonatProto.Message.newBuilder()
                        .setType(AutonatProto.Message.MessageType.DIAL_RESPONSE)
                        .setDialResponse(AutonatProto.Message.DialResponse.newBuilder()
                                .setStatus(ResponseStatus.OK)
                                .setAddr(ByteString.copyFrom(address.bytes())))
                        .build();
            } catch (IOException e) {
                failures.add(address + ": " + e.getMessage());
            }
        }
        log.debug("could not dial {} back: {}", peer, failures);
        return AutonatMessages.response(ResponseStatus.E_DIAL_ERROR, "dial back failed");
    }

    /** The requested addresses on the observed IP (TCP only: the dial-back transport), deduplicated and bounded. */
    private List<Multiaddr> candidates(AutonatProto.Message.PeerInfo info, InetAddress observed) {
        Set<Multiaddr> out = new LinkedHashSet<>();
        for (ByteString bytes :
                info.getAddrsList().subList(0, Math.min(info.getAddrsCount(), AutonatMessages.MAX_ADDRESSES))) {
            Multiaddr address;
            try {
                address = Multiaddr.fromBytes(bytes.toByteArray()).withoutPeerId();
            } catch (MultiformatException e) {
                continue;
            }
            boolean sameIp = !address.has(MultiaddrProtocol.P2P_CIRCUIT)
                    && address.toTcpSocketAddress()
                            .map(s -> s.getAddress().equals(observed))
                            .orElse(false);
            if (sameIp) {
                out.add(address);
            }
            if (out.size() == config.maxAddressesDialed()) {
                break;
            }
        }
        return List.copyOf(out);
    }

    private static AutonatProto.Message refuse(PeerId peer, ResponseStatus status, String reason) {
        log.info("autonat request from {} refused ({}): {}", peer, status, reason);
        return AutonatMessages.response(status, reason);
    }

    @Override
    public void close() {
        host.removeStreamHandler(PROTOCOL_ID);
    }
}
