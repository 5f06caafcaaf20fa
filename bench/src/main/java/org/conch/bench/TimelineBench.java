package org.conch.bench;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.MessageId;
import org.conch.feed.SignCap;
import org.conch.feed.io.FeedImporter;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.Timelines.Kind;
import org.conch.feed.store.Timelines.Page;
import org.conch.feed.store.Timelines;
import org.conch.server.web.MarkdownRenderer;
import org.conch.server.web.MessageJson;
import org.conch.testing.SyntheticFeeds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * {@code scripts/bench timeline}: server-side latency of the read API's queries on a store of a
 * million synthetic messages — home timelines over varied follow sets and page depths, the public
 * timeline, profiles and threads — as p50/p99, for the query alone and with the reply built (abouts,
 * markdown, JSON). Every query draws new parameters, so no cache answers it. Prints figures; asserts
 * nothing.
 */
public final class TimelineBench {
    private static final int PAGE = Timelines.DEFAULT_LIMIT;
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private final int messages;
    private final int feeds;
    private final int queries;
    private final Path work;
    private final SplittableRandom random = new SplittableRandom(42);
    private final MessageJson json = new MessageJson(new MarkdownRenderer());

    private TimelineBench(int messages, int feeds, int queries, Path work) {
        this.messages = messages;
        this.feeds = feeds;
        this.queries = queries;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        int messages = 1_000_000;
        int feeds = 1_000;
        int queries = 2_000;
        Path work = Paths.get("target/bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i].replace("_", ""));
                case "--feeds" -> feeds = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--work" -> work = Paths.get(args[++i]);
                default -> {
                    System.err.println("usage: TimelineBench [--messages N] [--feeds F] [--queries Q] [--work DIR]");
                    System.exit(2);
                }
            }
        }
        new TimelineBench(messages, feeds, queries, work).run();
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Path storeDir = store();
        List<FeedId> authors = new ArrayList<>();
        for (int i = 0; i < feeds; i++) authors.add(Identity.fromSeed(SyntheticFeeds.seed(i)).id());
        try (H2FeedStore store = H2FeedStore.open(storeDir)) {
            System.out.printf(Locale.ROOT, "conch timeline benchmark: %,d messages in %d feeds, pages of %d, %,d queries a case, %d cores%n",
                    store.messageCount(), feeds, PAGE, queries, Runtime.getRuntime().availableProcessors());
            long started = System.nanoTime();
            store.publicTimeline(Kind.POSTS, Timelines.NEWEST, 1);
            System.out.printf(Locale.ROOT, "timeline index built in %.0f ms (once, on the first timeline query)%n",
                    (System.nanoTime() - started) / 1e6);
            long top = store.messageCount() + 1;

            // Wall time is what a request waits; on a shared machine its tail is mostly other processes'
            // time slices, so the p99 of the querying thread's own CPU time is printed beside it.
            System.out.printf("%n%-52s %10s %10s %10s %12s%n", "query", "p50 ms", "p99 ms", "max ms", "p99 cpu ms");
            for (int follows : new int[]{10, 100, 500}) {
                case_("home, " + follows + " follows, first page", () -> {
                    Page page = store.homeTimeline(follows(authors, follows), Kind.POSTS, Timelines.NEWEST, PAGE);
                    return page.messages().size();
                });
                case_("home, " + follows + " follows, any page", () -> {
                    Page page = store.homeTimeline(follows(authors, follows), Kind.POSTS, 1 + random.nextLong(top), PAGE);
                    return page.messages().size();
                });
                case_("home, " + follows + " follows, any page + abouts, markdown, JSON", () -> {
                    Page page = store.homeTimeline(follows(authors, follows), Kind.POSTS, 1 + random.nextLong(top), PAGE);
                    return CanonicalJson.compact(json.page(page, store.abouts(MessageJson.authors(page)))).length();
                });
            }
            case_("public, posts, any page", () -> store.publicTimeline(Kind.POSTS, 1 + random.nextLong(top), PAGE).messages().size());
            case_("public, all types, any page", () -> store.publicTimeline(Kind.ALL, 1 + random.nextLong(top), PAGE).messages().size());
            case_("profile, any page", () ->
                    store.profile(authors.get(random.nextInt(feeds)), Kind.POSTS, 1 + random.nextLong(top), PAGE).messages().size());
            List<MessageId> roots = roots(store, top);
            case_("thread replies, first page (" + roots.size() + " roots)", () ->
                    store.replies(roots.get(random.nextInt(roots.size())), 0, PAGE).messages().size());
        }
    }

    /** Runs a warm-up, then {@link #queries} timed calls, and prints the percentiles. */
    private void case_(String name, LongSupplier query) {
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

    private Set<FeedId> follows(List<FeedId> authors, int count) {
        Set<FeedId> chosen = new HashSet<>();
        while (chosen.size() < Math.min(count, authors.size())) chosen.add(authors.get(random.nextInt(authors.size())));
        return chosen;
    }

    /** Thread roots named by replies on random pages of the public timeline. */
    private List<MessageId> roots(H2FeedStore store, long top) {
        List<MessageId> roots = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            store.publicTimeline(Kind.POSTS, 1 + random.nextLong(top), PAGE).messages().forEach(stored -> {
                if (stored.message().content() instanceof java.util.Map<?, ?> content && content.get("root") instanceof String root) {
                    MessageId.tryParse(root).ifPresent(roots::add);
                }
            });
        }
        return roots;
    }

    /** The store of the workload, imported once and kept in the work directory for later runs. */
    private Path store() throws Exception {
        Path dir = work.resolve("store-timeline-" + messages + "-" + feeds);
        Path done = dir.resolve("complete");
        if (Files.exists(done)) return dir;
        Path file = work.resolve("feed-" + messages + "-" + feeds + ".jsonl");
        if (!Files.exists(file)) {
            long started = System.nanoTime();
            SyntheticFeeds.write(file, messages, feeds, progress ->
                    System.err.printf(Locale.ROOT, "  signed %,d of %,d messages%n", progress, messages));
            System.err.printf(Locale.ROOT, "signed the workload in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        long started = System.nanoTime();
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            FeedImporter.ImportSummary summary = new FeedImporter(store, SignCap.NONE, 2, FeedImporter.DEFAULT_BATCH_SIZE)
                    .importFrom(file, new FeedImporter.Listener() {
                    });
            if (summary.stored() != messages) throw new IllegalStateException("stored " + summary.stored() + " of " + messages);
        }
        System.err.printf(Locale.ROOT, "imported the workload in %.1f s%n", (System.nanoTime() - started) / 1e9);
        Files.writeString(done, "");
        return dir;
    }
}
