package io.servent.sim;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A snapshot of what this JVM uses: heap after full GCs (MemoryMXBean), process CPU time
 * (OperatingSystemMXBean, all threads, so GC and JIT count too), resident set size and live threads.
 * Immutable.
 */
record ResourceUse(long heapBytes, long cpuNanos, long rssBytes, int threads, long wallNanos) {

    /** Measures now, after {@code System.gc()} until the heap stops shrinking (at most 4 rounds). */
    static ResourceUse measure() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heap = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used >= heap * 0.99) {
                heap = Math.min(heap, used);
                break;
            }
            heap = used;
        }
        return new ResourceUse(
                heap,
                processCpuNanos(),
                rss(),
                ManagementFactory.getThreadMXBean().getThreadCount(),
                System.nanoTime());
    }

    /** CPU time of the whole process, without a GC. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** VmRSS from /proc/self/status, or -1 where there is none. */
    static long rss() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String line : lines) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: RSS is reported as unknown.
        }
        return -1;
    }
}
