package io.servent.p2p.yamux;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.TransportListener;
import io.servent.p2p.tcp.TcpTransport;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Test-only scripted peer: a raw TCP socket that writes Yamux frames by hand (as the initiator, odd
 * stream ids) against a real {@link YamuxConnection} responder, and reads what the responder sends.
 */
final class RawPeer implements AutoCloseable {
    final YamuxConnection server;
    final Recorder events = new Recorder();
    private final RawConnection raw;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPeer(YamuxConnection server, RawConnection raw) throws IOException {
        this.server = server;
        this.raw = raw;
        this.in = new DataInputStream(raw.in());
        this.out = raw.out();
        raw.setReadTimeout(Duration.ofSeconds(10));
    }

    static RawPeer connect(YamuxConfig serverConfig) throws Exception {
        TcpTransport tcp = new TcpTransport();
        try (TransportListener listener = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))) {
            CompletableFuture<RawConnection> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            RawConnection client = tcp.dial(listener.address(), Duration.ofSeconds(5));
            RawConnection serverEnd = accepted.get(5, TimeUnit.SECONDS);
            YamuxConnection server = new YamuxMuxer(serverConfig)
                    .wrap(new PlainSecureConnection(serverEnd, YamuxPair.SERVER_ID, YamuxPair.CLIENT_ID, 0), false);
            RawPeer peer = new RawPeer(server, client);
            server.start(peer.events);
            return peer;
        }
    }

    void send(YamuxHeader header) throws IOException {
        out.write(header.encode());
        out.flush();
    }

    void send(YamuxHeader header, byte[] payload) throws IOException {
        byte[] frame = new byte[YamuxHeader.SIZE + payload.length];
        header.encode(frame, 0);
        System.arraycopy(payload, 0, frame, YamuxHeader.SIZE, payload.length);
        out.write(frame);
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Half-closes the socket: the responder reads end-of-stream. */
    void endOutput() throws IOException {
        // TcpConnection exposes no shutdownOutput; closing the output stream of a socket closes the
        // socket, so end by closing it all after the responder has had the bytes.
        out.flush();
        raw.close();
    }

    /** The next frame from the responder with its payload, or null at end of stream. */
    @Nullable
    Frame read() throws IOException {
        byte[] header = new byte[YamuxHeader.SIZE];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            return null;
        }
        YamuxHeader decoded = YamuxHeader.decode(header, 0);
        byte[] payload = new byte[0];
        if (decoded.type() == YamuxHeader.TYPE_DATA) {
            payload = new byte[decoded.length()];
            in.readFully(payload);
        }
        return new Frame(decoded, header, payload);
    }

    /** The next frame that is not one of the responder's own pings, or null at end of stream. */
    @Nullable
    Frame readSkippingPings() throws IOException {
        while (true) {
            Frame frame = read();
            if (frame == null
                    || frame.header().type() != YamuxHeader.TYPE_PING
                    || !frame.header().has(YamuxHeader.FLAG_SYN)) {
                return frame;
            }
        }
    }

    /** The next frame; fails at end of stream. */
    Frame expect() throws IOException {
        Frame frame = read();
        if (frame == null) {
            throw new AssertionError("end of stream instead of a frame");
        }
        return frame;
    }

    /** The next frame that is not one of the responder's pings; fails at end of stream. */
    Frame expectSkippingPings() throws IOException {
        Frame frame = readSkippingPings();
        if (frame == null) {
            throw new AssertionError("end of stream instead of a frame");
        }
        return frame;
    }

    /** Reads until the responder's GoAway and returns its code; fails on end of stream first. */
    long readUntilGoAway() throws IOException {
        while (true) {
            Frame frame = read();
            if (frame == null) {
                throw new AssertionError("end of stream before a GoAway");
            }
            if (frame.header().type() == YamuxHeader.TYPE_GO_AWAY) {
                return frame.header().lengthUnsigned();
            }
        }
    }

    /** Reads and discards until the responder closes the connection. */
    void readUntilEnd() throws IOException {
        try {
            while (read() != null) {
                // Skip.
            }
        } catch (IOException e) {
            // A reset connection is an end too.
        }
    }

    @SuppressWarnings("ArrayRecordComponent") // tests compare the fields, never the records
    record Frame(YamuxHeader header, byte[] bytes, byte[] payload) {}

    @Override
    public void close() throws IOException {
        server.close();
        raw.close();
    }
}
