package org.conch.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU of a process's threads grouped by name, from Linux's {@code /proc/PID/task}: unlike the JVM's
 * thread bean it sees the garbage collector's and the JIT compilers' threads, which a receive path pays for
 * too. Names lose their numbers ({@code GC Thread#1} and {@code GC Thread#0} are one group). Empty where
 * there is no {@code /proc}.
 */
final class NativeThreadCpu {
    /** Linux's clock ticks a second for the utime and stime fields; 100 on every architecture Java runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private NativeThreadCpu() {
    }

    /** Nanoseconds of CPU so far by thread group; threads that ended are not counted. */
    static Map<String, Long> snapshot() {
        return snapshotOf("self");
    }

    /** The same for another process of this machine (a server the bench started). */
    static Map<String, Long> snapshot(long pid) {
        return snapshotOf(Long.toString(pid));
    }

    private static Map<String, Long> snapshotOf(String process) {
        Map<String, Long> groups = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", process, "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                // "pid (comm) state ..." where comm may hold spaces and parentheses: cut at the last ')'.
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String[] fields = stat.substring(close + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                groups.merge(group(stat.substring(open + 1, close)), ticks * 1_000_000_000L / TICKS_PER_SECOND, Long::sum);
            }
        } catch (IOException | RuntimeException noProc) {
            return Map.of();
        }
        return groups;
    }

    /** {@code after - before} by group, for groups that spent anything. */
    static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> spent = new TreeMap<>();
        after.forEach((group, nanos) -> {
            long delta = nanos - before.getOrDefault(group, 0L);
            if (delta > 0) spent.put(group, delta);
        });
        return spent;
    }

    private static String group(String threadName) {
        return threadName.replaceAll("[#-]?\\d+$", "").replaceAll("\\d+$", "").trim();
    }
}
