package org.conch.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Times query cases of a read bench and prints a line each: p50, p99 and max wall time, and the p99 of the querying
 * thread's own CPU time (on a shared machine the wall-time tail is mostly other processes' time slices).
 */
final class LatencyCases {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private final int queries;

    /** @param queries timed calls a case (after a warm-up of up to 200) */
    LatencyCases(int queries) {
        this.queries = queries;
    }

    void printHeader() {
        System.out.printf("%n%-52s %10s %10s %10s %12s%n", "query", "p50 ms", "p99 ms", "max ms", "p99 cpu ms");
    }

    /** Runs a warm-up, then the timed calls, and prints the percentiles; {@code query} answers how much it found. */
    void run(String name, LongSupplier query) {
        System.gc(); // the garbage of the case before is not this one's pause
        long sink = 0;
        for (int i = 0; i < Math.min(200, queries); i++) sink += query.getAsLong();
        long[] nanos = new long[queries];
        long[] cpuNanos = new long[queries];
        for (int i = 0; i < queries; i++) {
            long started = System.nanoTime();
            long cpuStarted = CPU.getCurrentThreadCpuTime();
            sink += query.getAsLong();
            cpuNanos[i] = CPU.getCurrentThreadCpuTime() - cpuStarted;
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        Arrays.sort(cpuNanos);
        System.out.printf(Locale.ROOT, "%-52s %10.2f %10.2f %10.2f %12.2f%s%n", name, nanos[queries / 2] / 1e6,
                nanos[(int) (queries * 0.99)] / 1e6, nanos[queries - 1] / 1e6, cpuNanos[(int) (queries * 0.99)] / 1e6,
                sink == 0 ? " (no results!)" : "");
    }
}
