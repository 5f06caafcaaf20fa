package org.conch.bench;

import org.conch.feed.Identity;
import org.conch.feed.SignCap;
import org.conch.feed.io.FeedImporter;
import org.conch.feed.io.JsonLinesVerifier;
import org.conch.feed.json.Json;
import org.conch.feed.store.H2FeedStore;
import org.conch.testing.SyntheticFeeds;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code scripts/bench feed}: throughput of validation, validation with durable storage, and
 * publishing, over a workload of realistic ~700-byte messages, with ssb-validate on Node run on the
 * same file for a ratio. Prints figures; asserts nothing.
 */
public final class FeedBench {
    private final int messages;
    private final int feeds;
    private final Path work;
    private final boolean withNode;
    private final Path interop;

    private FeedBench(int messages, int feeds, Path work, boolean withNode, Path interop) {
        this.messages = messages;
        this.feeds = feeds;
        this.work = work;
        this.withNode = withNode;
        this.interop = interop;
    }

    public static void main(String[] args) throws Exception {
        int messages = 100_000;
        int feeds = 100;
        Path work = Paths.get("target/bench");
        boolean withNode = true;
        Path interop = Paths.get("scripts/interop");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i].replace("_", ""));
                case "--feeds" -> feeds = Integer.parseInt(args[++i]);
                case "--work" -> work = Paths.get(args[++i]);
                case "--interop" -> interop = Paths.get(args[++i]);
                case "--no-node" -> withNode = false;
                default -> {
                    System.err.println("usage: FeedBench [--messages N] [--feeds F] [--work DIR] [--interop DIR] [--no-node]");
                    System.exit(2);
                }
            }
        }
        new FeedBench(messages, feeds, work, withNode, interop).run();
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        System.out.printf(Locale.ROOT, "conch feed benchmark: %,d messages in %d feeds, %d cores, %s, max heap %d MiB%n",
                messages, feeds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name")
                        + " " + Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
        Workload workload = workload();
        System.out.printf(Locale.ROOT, "workload: %s, %,d bytes compact JSON, %,d bytes signed JSON (%.0f bytes/message)%n",
                workload.file(), workload.compactBytes(), workload.prettyBytes(), (double) workload.prettyBytes() / messages);

        List<String[]> rows = new ArrayList<>();
        double node = withNode ? nodeValidate(workload.file(), rows) : Double.NaN;
        double one = validate(workload.file(), 1, rows, node);
        double two = validate(workload.file(), 2, rows, node);
        // Twice, into a new store each time: validation above ran warm (the 1-thread run compiled it), while
        // the first append pass also pays for compiling the store's code; the second is the steady state.
        double cold = appendToStore(workload, rows, node, "first in this JVM");
        double warm = appendToStore(workload, rows, node, "again, JIT warm");
        publish(rows);

        System.out.println();
        System.out.printf("%-42s %14s %12s %16s%n", "benchmark", "messages/s", "peak heap", "vs ssb-validate");
        for (String[] row : rows) {
            System.out.printf("%-42s %14s %12s %16s%n", (Object[]) row);
        }
        if (!Double.isNaN(node)) {
            System.out.printf(Locale.ROOT, "%nvalidation with 1 thread runs at %.2fx ssb-validate, with 2 threads at %.2fx%n",
                    one / node, two / node);
        }
        System.out.printf(Locale.ROOT, "validate + append runs at %.2fx validation alone with 2 threads the first time, "
                + "%.2fx again (target 0.9x)%n", cold / two, warm / two);
    }

    record Workload(Path file, long compactBytes, long prettyBytes) {
    }

    /** Signs the workload once and keeps it in the work directory for later runs. */
    private Workload workload() throws IOException {
        Path file = work.resolve("feed-" + messages + "-" + feeds + ".jsonl");
        Path sizes = work.resolve("feed-" + messages + "-" + feeds + ".size");
        if (Files.exists(file) && Files.exists(sizes)) {
            String[] parts = Files.readString(sizes).trim().split(" ");
            return new Workload(file, Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        }
        long started = System.nanoTime();
        SyntheticFeeds.Written written = SyntheticFeeds.write(file, messages, feeds, progress ->
                System.err.printf(Locale.ROOT, "  signed %,d of %,d messages%n", progress, messages));
        Files.writeString(sizes, written.compactBytes() + " " + written.prettyBytes() + "\n");
        System.out.printf(Locale.ROOT, "signed the workload in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return new Workload(file, written.compactBytes(), written.prettyBytes());
    }

    private double nodeValidate(Path file, List<String[]> rows) throws IOException, InterruptedException {
        Path script = interop.resolve("bench-validate.js").toAbsolutePath();
        Process process = new ProcessBuilder("node", script.toString(), file.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0 || output.isEmpty()) {
            System.out.println("ssb-validate on Node failed; no ratio (is scripts/interop installed? run scripts/test once)");
            return Double.NaN;
        }
        Map<String, Object> result = Json.parseObject(output.substring(output.lastIndexOf('\n') + 1));
        double perSecond = (Double) result.get("perSecond");
        rows.add(new String[]{"ssb-validate 4.1.4 (Node " + nodeVersion() + ")", format(perSecond),
                String.format(Locale.ROOT, "%.0f MiB rss", (Double) result.get("peakRssMiB")), "1.00x"});
        return perSecond;
    }

    private static String nodeVersion() {
        try {
            Process process = new ProcessBuilder("node", "--version").start();
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private double validate(Path file, int threads, List<String[]> rows, double node) throws IOException {
        AtomicLong invalid = new AtomicLong();
        HeapSampler heap = HeapSampler.start();
        long started = System.nanoTime();
        JsonLinesVerifier.Summary summary = new JsonLinesVerifier(SignCap.NONE, threads, JsonLinesVerifier.DEFAULT_CHUNK_SIZE)
                .verify(file, result -> {
                    if (!result.valid()) invalid.incrementAndGet();
                });
        double seconds = (System.nanoTime() - started) / 1e9;
        long peak = heap.stop();
        if (invalid.get() > 0) throw new IllegalStateException(invalid.get() + " workload messages were invalid");
        double perSecond = summary.checked() / seconds;
        rows.add(new String[]{"conch validate, " + threads + (threads == 1 ? " thread" : " threads"), format(perSecond),
                mib(peak), ratio(perSecond, node)});
        return perSecond;
    }

    /** Validates and appends the workload into a new store (FeedImporter, as {@code conch import}); returns messages/s. */
    private double appendToStore(Workload workload, List<String[]> rows, double node, String pass) throws IOException {
        Path dir = work.resolve("store-append");
        deleteTree(dir);
        HeapSampler heap = HeapSampler.start();
        long started = System.nanoTime();
        FeedImporter.ImportSummary summary;
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            summary = new FeedImporter(store, SignCap.NONE, 2, FeedImporter.DEFAULT_BATCH_SIZE)
                    .importFrom(workload.file(), new FeedImporter.Listener() {
                    });
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long peak = heap.stop();
        if (summary.stored() != messages) {
            throw new IllegalStateException("stored " + summary.stored() + " of " + messages + ": " + summary);
        }
        double perSecond = messages / seconds;
        rows.add(new String[]{"conch validate + append, " + pass, format(perSecond), mib(peak), ratio(perSecond, node)});
        long storeBytes = treeSize(dir);
        System.out.printf(Locale.ROOT, "store: %,d bytes on disk for %,d messages = %.0f bytes/message, "
                        + "%.2fx the signed JSON, %.2fx the compact JSON%n",
                storeBytes, messages, (double) storeBytes / messages,
                (double) storeBytes / workload.prettyBytes(), (double) storeBytes / workload.compactBytes());
        return perSecond;
    }

    private void publish(List<String[]> rows) throws IOException {
        Path dir = work.resolve("store-publish");
        deleteTree(dir);
        Identity identity = Identity.fromSeed(SyntheticFeeds.seed(7777));
        SplittableRandom random = new SplittableRandom(7);
        int batch = 500;
        HeapSampler heap = HeapSampler.start();
        long started = System.nanoTime();
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            for (int done = 0; done < messages; done += batch) {
                List<Object> contents = new ArrayList<>(batch);
                for (int i = 0; i < Math.min(batch, messages - done); i++) {
                    contents.add(SyntheticFeeds.post(random, List.of()));
                }
                store.publish(identity, contents, SignCap.NONE);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long peak = heap.stop();
        rows.add(new String[]{"conch publish (sign + append, " + batch + "/tx)", format(messages / seconds), mib(peak), ""});
    }

    /** Samples used heap every few milliseconds; the peak says whether memory stays bounded. */
    private static final class HeapSampler implements Runnable {
        private final Thread thread = new Thread(this, "heap-sampler");
        private volatile boolean running = true;
        private volatile long peak;

        static HeapSampler start() {
            System.gc();
            HeapSampler sampler = new HeapSampler();
            sampler.thread.setDaemon(true);
            sampler.thread.start();
            return sampler;
        }

        @Override
        public void run() {
            var memory = ManagementFactory.getMemoryMXBean();
            while (running) {
                peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long stop() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return peak;
        }
    }

    private static String format(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    private static String ratio(double value, double reference) {
        return Double.isNaN(reference) ? "" : String.format(Locale.ROOT, "%.2fx", value / reference);
    }

    private static long treeSize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
        }
    }

    /** Deletes a folder and everything in it; nothing when it is not there. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
