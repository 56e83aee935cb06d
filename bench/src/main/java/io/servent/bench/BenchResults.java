package io.servent.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Everything one run measured, filled in by {@link BenchRunner}. Not thread-safe. */
final class BenchResults {
    /** One transfer of {@code bytes} on one stream. */
    record Transfer(long bytes, double seconds, double clientCpu, double serverCpu, double load) {
        double megabytesPerSecond() {
            return bytes / seconds / 1e6;
        }

        /** CPU seconds both processes spent per GiB moved. */
        double cpuPerGib() {
            return (clientCpu + serverCpu) / (bytes / (double) (1L << 30));
        }

        /** Bytes per CPU-second of both processes together, in MB: what the stack gets from the CPU. */
        double megabytesPerCpuSecond() {
            return bytes / (clientCpu + serverCpu) / 1e6;
        }
    }

    /** One AEAD benchmark: frames per second and JMH's 99.9% error, and MB/s of plaintext. */
    record Aead(String provider, String operation, double framesPerSecond, double error) {
        double megabytesPerSecond() {
            return framesPerSecond * AeadBenchmark.PLAINTEXT / 1e6;
        }
    }

    String date = "";
    String machine = "";
    String jdk = "";
    String node = "";
    String jsVersions = "";
    String aeadProvider = "";
    int cores = Runtime.getRuntime().availableProcessors();
    String loadAtStart = "";
    String loadAtEnd = "";
    String settings = "";

    @Nullable
    Double iperfMegabytesPerSecond;

    String iperfNote = "";
    final Samples javaSockets = new Samples();
    final List<Aead> aead = new ArrayList<>();
    String jmhNote = "";

    /** Keyed by "servent upload", "js download", … */
    final Map<String, List<Transfer>> transfers = new LinkedHashMap<>();

    final Samples serventSetup = new Samples();
    final Samples jsSetup = new Samples();
    final Samples setupLoad = new Samples();
    final List<String> serventSetupFailures = new ArrayList<>();
    /** CPU milliseconds of client and server together per dial, one sample per block of dials. */
    final Samples serventSetupCpu = new Samples();

    final Samples jsSetupCpu = new Samples();
    final List<String> jsSetupFailures = new ArrayList<>();

    long heapBefore;
    long heapAfter;
    int idleConnections;
    String heapNote = "";

    List<Transfer> transfers(String key) {
        return transfers.computeIfAbsent(key, k -> new ArrayList<>());
    }

    /** Median MB/s of the transfers under {@code key}. */
    double medianMegabytesPerSecond(String key) {
        Samples s = new Samples();
        transfers(key).forEach(t -> s.add(t.megabytesPerSecond()));
        return s.median();
    }

    double medianMegabytesPerCpuSecond(String key) {
        Samples s = new Samples();
        transfers(key).forEach(t -> s.add(t.megabytesPerCpuSecond()));
        return s.median();
    }

    /** Whether the 1-minute load average at the start or the end exceeded the core count. */
    boolean overloaded() {
        return firstLoad(loadAtStart) > cores || firstLoad(loadAtEnd) > cores;
    }

    private static double firstLoad(String loadAverage) {
        try {
            return Double.parseDouble(loadAverage.split(",")[0].trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The slower direction of the AEAD in use, the ceiling for one core. */
    double aeadLimit() {
        return aead.stream()
                .filter(a -> a.provider().equals(aeadProvider))
                .mapToDouble(Aead::megabytesPerSecond)
                .min()
                .orElse(Double.NaN);
    }
}
