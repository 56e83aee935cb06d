package io.servent.p2p.ping;

import io.servent.p2p.api.Host;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.EOFException;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code /ipfs/ping/1.0.0}: the dialer sends 32 random bytes, the listener echoes them, as many times
 * as the dialer likes on one stream. Serves the protocol on the host it is given and measures
 * round trips to other peers, recording them in the peerstore. Thread-safe.
 */
public final class PingService implements AutoCloseable {
    public static final String PROTOCOL_ID = "/ipfs/ping/1.0.0";
    public static final int PAYLOAD_SIZE = 32;

    /** A listener drops a ping stream that stays silent this long. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_COUNT = 10_000;

    private final Host host;
    private final SecureRandom random = new SecureRandom();

    public PingService(Host host) {
        this.host = host;
        host.setStreamHandler(PROTOCOL_ID, PingService::serve);
    }

    private static void serve(Stream stream) throws IOException {
        stream.setReadTimeout(IDLE_TIMEOUT);
        byte[] buffer = new byte[PAYLOAD_SIZE];
        while (true) {
            int n = stream.in().readNBytes(buffer, 0, PAYLOAD_SIZE);
            if (n == 0) {
                return; // the dialer is done
            }
            if (n < PAYLOAD_SIZE) {
                throw new ProtocolViolationException("ping payload ended after " + n + " of 32 bytes");
            }
            stream.out().write(buffer);
            stream.out().flush();
        }
    }

    /** One round trip. */
    public Duration ping(PeerId peer) throws IOException {
        return ping(peer, 1).get(0);
    }

    /** {@code count} round trips on one stream, one after another. */
    public List<Duration> ping(PeerId peer, int count) throws IOException {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be 1–" + MAX_COUNT + ", not " + count);
        }
        Stream stream = host.newStream(peer, PROTOCOL_ID);
        try {
            stream.setReadTimeout(REPLY_TIMEOUT);
            List<Duration> rtts = new ArrayList<>(count);
            byte[] payload = new byte[PAYLOAD_SIZE];
            for (int i = 0; i < count; i++) {
                random.nextBytes(payload);
                long start = System.nanoTime();
                stream.out().write(payload);
                stream.out().flush();
                byte[] echo = stream.in().readNBytes(PAYLOAD_SIZE);
                Duration rtt = Duration.ofNanos(System.nanoTime() - start);
                if (echo.length < PAYLOAD_SIZE) {
                    throw new EOFException(peer + " closed the ping stream after " + i + " pings");
                }
                if (!Arrays.equals(payload, echo)) {
                    throw new ProtocolViolationException(peer + " answered a ping with different bytes");
                }
                host.peerstore().recordLatency(peer, rtt);
                rtts.add(rtt);
            }
            stream.close();
            return rtts;
        } catch (IOException | RuntimeException e) {
            stream.reset();
            throw e;
        }
    }

    @Override
    public void close() {
        host.removeStreamHandler(PROTOCOL_ID);
    }
}
