package io.servent.p2p.host;

import io.servent.p2p.api.MuxedConnection;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PrivateKey;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import io.servent.p2p.api.SecurityProtocol;
import io.servent.p2p.api.StreamMuxer;
import io.servent.p2p.multistream.Multistream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns a raw connection into a secure, multiplexed one, exactly as the libp2p connection spec
 * orders it: multistream-select a security protocol, run its handshake, multistream-select a muxer
 * over the secure channel. The whole upgrade has one deadline; when it passes, the raw connection is
 * closed, which fails whatever read was waiting. Thread-safe.
 */
final class Upgrader {
    /** The result: the proven peer's secure channel and the muxer running over it (not yet started). */
    record Upgraded(SecureConnection secure, MuxedConnection muxed, String muxerProtocol) {}

    private final PrivateKey key;
    private final List<SecurityProtocol> security;
    private final List<StreamMuxer> muxers;
    private final Duration timeout;
    private final ScheduledExecutorService timer;

    Upgrader(
            PrivateKey key,
            List<SecurityProtocol> security,
            List<StreamMuxer> muxers,
            Duration timeout,
            ScheduledExecutorService timer) {
        if (security.isEmpty() || muxers.isEmpty()) {
            throw new IllegalArgumentException("a host needs at least one security protocol and one muxer");
        }
        this.key = key;
        this.security = List.copyOf(security);
        this.muxers = List.copyOf(muxers);
        this.timeout = timeout;
        this.timer = timer;
    }

    List<String> securityIds() {
        return security.stream().map(SecurityProtocol::protocolId).toList();
    }

    List<String> muxerIds() {
        return muxers.stream().map(StreamMuxer::protocolId).toList();
    }

    Upgraded outbound(RawConnection raw, Optional<PeerId> expected) throws IOException {
        return withDeadline(raw, () -> {
            raw.setReadTimeout(timeout);
            String securityId = Multistream.select(raw.in(), raw.out(), securityIds());
            SecureConnection secure = securityFor(securityId).secureOutbound(raw, key, expected);
            secure.setReadTimeout(timeout);
            String muxerId = Multistream.select(secure.in(), secure.out(), muxerIds());
            secure.setReadTimeout(Duration.ZERO);
            return new Upgraded(secure, muxerFor(muxerId).wrap(secure, true), muxerId);
        });
    }

    Upgraded inbound(RawConnection raw) throws IOException {
        return withDeadline(raw, () -> {
            raw.setReadTimeout(timeout);
            String securityId = Multistream.handle(raw.in(), raw.out(), Set.copyOf(securityIds()));
            SecureConnection secure = securityFor(securityId).secureInbound(raw, key);
            secure.setReadTimeout(timeout);
            String muxerId = Multistream.handle(secure.in(), secure.out(), Set.copyOf(muxerIds()));
            secure.setReadTimeout(Duration.ZERO);
            return new Upgraded(secure, muxerFor(muxerId).wrap(secure, false), muxerId);
        });
    }

    private interface Step {
        Upgraded run() throws IOException;
    }

    private Upgraded withDeadline(RawConnection raw, Step step) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> watchdog = timer.schedule(
                () -> {
                    expired.set(true);
                    BasicHost.closeQuietly(raw);
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        Upgraded upgraded;
        try {
            upgraded = step.run();
        } catch (IOException e) {
            watchdog.cancel(false);
            if (expired.get()) {
                throw timedOut();
            }
            throw e;
        }
        if (!watchdog.cancel(false) && expired.get()) {
            // The deadline passed just as the upgrade finished, and the connection is already closed.
            BasicHost.closeQuietly(upgraded.muxed());
            throw timedOut();
        }
        return upgraded;
    }

    private SocketTimeoutException timedOut() {
        return new SocketTimeoutException("connection upgrade did not finish within " + timeout.toMillis() + " ms");
    }

    private SecurityProtocol securityFor(String id) {
        return security.stream()
                .filter(s -> s.protocolId().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("negotiated unknown security " + id));
    }

    private StreamMuxer muxerFor(String id) {
        return muxers.stream()
                .filter(m -> m.protocolId().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("negotiated unknown muxer " + id));
    }
}
