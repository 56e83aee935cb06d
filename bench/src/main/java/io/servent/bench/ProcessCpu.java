package io.servent.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process from Linux's {@code /proc/<pid>/stat}: user plus system time of all its
 * threads (JIT and GC included), in clock ticks of 10 ms. Load from other work on the machine
 * stretches wall-clock time but not this.
 */
final class ProcessCpu {
    /** {@code getconf CLK_TCK} on Linux x86-64. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {}

    static double seconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[11]); // field 14
        long stime = Long.parseLong(fields[12]); // field 15
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /** The 1-, 5- and 15-minute load averages, as {@code uptime} prints them. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double oneMinuteLoad() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }
}
