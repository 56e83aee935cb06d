package io.servent.node;

/**
 * {@code POST /api/v1/perf}: one {@code /perf/1.0.0} run. Throughput is in MB/s (10^6 bytes per
 * second), measured by this node as the client.
 *
 * @param peerId the peer that served the run
 * @param uploadBytes bytes sent
 * @param downloadBytes bytes received
 * @param uploadSeconds time to send them
 * @param downloadSeconds time to receive them after the upload finished
 * @param totalSeconds the whole run, including opening the stream
 * @param uploadMBps upload throughput
 * @param downloadMBps download throughput
 */
public record PerfReport(
        String peerId,
        long uploadBytes,
        long downloadBytes,
        double uploadSeconds,
        double downloadSeconds,
        double totalSeconds,
        double uploadMBps,
        double downloadMBps) {}
