package io.servent.p2p.perf;

import io.servent.p2p.api.Host;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * {@code /perf/1.0.0}: the client sends the number of bytes it wants back (8 bytes, big-endian),
 * uploads any amount and closes its write side; the server drains the upload and then sends the
 * requested bytes. Thread-safe.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/perf/perf.md">perf</a>
 */
public final class PerfService implements AutoCloseable {
    public static final String PROTOCOL_ID = "/perf/1.0.0";

    /** The most a client may ask this server to send; larger requests are refused. */
    public static final long DEFAULT_MAX_DOWNLOAD = 64L << 30;

    static final int CHUNK = 64 * 1024;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final Host host;
    private final long maxDownload;

    public PerfService(Host host) {
        this(host, DEFAULT_MAX_DOWNLOAD);
    }

    public PerfService(Host host, long maxDownload) {
        this.host = host;
        this.maxDownload = maxDownload;
        host.setStreamHandler(PROTOCOL_ID, this::serve);
    }

    private void serve(Stream stream) throws IOException {
        stream.setReadTimeout(IDLE_TIMEOUT);
        stream.setWriteTimeout(IDLE_TIMEOUT);
        long requested;
        try {
            requested = new DataInputStream(stream.in()).readLong();
        } catch (EOFException e) {
            throw new ProtocolViolationException("perf stream ended before the 8-byte download size");
        }
        if (requested < 0 || requested > maxDownload) {
            throw new ProtocolViolationException("perf client asked for " + Long.toUnsignedString(requested)
                    + " bytes; the limit is " + maxDownload);
        }
        drain(stream.in());
        send(stream.out(), requested);
        stream.closeWrite();
    }

    /** Uploads {@code upload} bytes to {@code peer} and downloads {@code download} bytes back. */
    public PerfResult run(PeerId peer, long upload, long download) throws IOException {
        if (upload < 0 || download < 0) {
            throw new IllegalArgumentException("sizes must not be negative");
        }
        long start = System.nanoTime();
        Stream stream = host.newStream(peer, PROTOCOL_ID);
        try {
            stream.setReadTimeout(IDLE_TIMEOUT);
            stream.setWriteTimeout(IDLE_TIMEOUT);
            long uploadStart = System.nanoTime();
            stream.out().write(ByteBuffer.allocate(8).putLong(download).array());
            send(stream.out(), upload);
            stream.closeWrite();
            long uploadEnd = System.nanoTime();
            long received = drain(stream.in());
            long end = System.nanoTime();
            stream.close();
            if (received != download) {
                throw new ProtocolViolationException(
                        "perf server sent " + received + " bytes, " + download + " were requested");
            }
            return new PerfResult(
                    upload,
                    received,
                    Duration.ofNanos(uploadEnd - uploadStart),
                    Duration.ofNanos(end - uploadEnd),
                    Duration.ofNanos(end - start));
        } catch (IOException | RuntimeException e) {
            stream.reset();
            throw e;
        }
    }

    private static void send(OutputStream out, long bytes) throws IOException {
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(bytes, 1))];
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
        }
        out.flush();
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
        }
        return total;
    }

    @Override
    public void close() {
        host.removeStreamHandler(PROTOCOL_ID);
    }
}
