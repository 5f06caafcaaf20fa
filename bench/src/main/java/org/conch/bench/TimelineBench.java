package org.conch.bench;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.MessageId;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code scripts/bench timeline}: server-side latency of the read API's queries on a store of a
 * million synthetic messages — home timelines over varied follow sets and page depths, the public
 * timeline, profiles and threads — as p50/p99, for the query alone and with the reply built (abouts,
 * markdown, JSON). Every query draws new parameters, so no cache answers it. Prints figures; asserts
 * nothing.
 */
public final class TimelineBench {
    private static final int PAGE = Timelines.DEFAULT_LIMIT;

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
        ReadBenchOptions options = ReadBenchOptions.parse("TimelineBench", args);
        new TimelineBench(options.messages(), options.feeds(), options.queries(), options.work()).run();
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Path storeDir = SyntheticStore.of(work, "timeline", messages, feeds, SyntheticFeeds::post);
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

            LatencyCases cases = new LatencyCases(queries);
            cases.printHeader();
            for (int follows : new int[]{10, 100, 500}) {
                cases.run("home, " + follows + " follows, first page", () -> {
                    Page page = store.homeTimeline(follows(authors, follows), Kind.POSTS, Timelines.NEWEST, PAGE);
                    return page.messages().size();
                });
                cases.run("home, " + follows + " follows, any page", () -> {
                    Page page = store.homeTimeline(follows(authors, follows), Kind.POSTS, 1 + random.nextLong(top), PAGE);
                    return page.messages().size();
                });
                cases.run("home, " + follows + " follows, any page + abouts, markdown, JSON", () -> {
                    Page page = store.homeTimeline(follows(authors, follows), Kind.POSTS, 1 + random.nextLong(top), PAGE);
                    return CanonicalJson.compact(json.page(page, store.abouts(MessageJson.authors(page)))).length();
                });
            }
            cases.run("public, posts, any page", () -> store.publicTimeline(Kind.POSTS, 1 + random.nextLong(top), PAGE).messages().size());
            cases.run("public, all types, any page", () -> store.publicTimeline(Kind.ALL, 1 + random.nextLong(top), PAGE).messages().size());
            cases.run("profile, any page", () ->
                    store.profile(authors.get(random.nextInt(feeds)), Kind.POSTS, 1 + random.nextLong(top), PAGE).messages().size());
            List<MessageId> roots = roots(store, top);
            cases.run("thread replies, first page (" + roots.size() + " roots)", () ->
                    store.replies(roots.get(random.nextInt(roots.size())), 0, PAGE).messages().size());
        }
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
}
