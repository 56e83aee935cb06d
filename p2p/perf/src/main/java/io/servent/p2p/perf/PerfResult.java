package io.servent.p2p.perf;

import java.time.Duration;

/**
 * One perf run as the client saw it.
 *
 * @param uploadBytes bytes sent to the server
 * @param downloadBytes bytes received from the server
 * @param uploadTime from the first byte written until the write side was closed
 * @param downloadTime from closing the write side until the server's last byte arrived
 * @param total the whole run, including opening the stream
 */
public record PerfResult(
        long uploadBytes, long downloadBytes, Duration uploadTime, Duration downloadTime, Duration total) {
    /** Upload throughput in bytes per second. */
    public double uploadBytesPerSecond() {
        return rate(uploadBytes, uploadTime);
    }

    public double downloadBytesPerSecond() {
        return rate(downloadBytes, downloadTime);
    }

    private static double rate(long bytes, Duration time) {
        long nanos = Math.max(1, time.toNanos());
        return bytes * 1e9 / nanos;
    }
}
