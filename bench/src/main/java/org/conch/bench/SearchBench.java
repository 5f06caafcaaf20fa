package org.conch.bench;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.social.SocialIndex;
import org.conch.feed.store.H2FeedStore;
import org.conch.gossip.replication.FollowGraph;
import org.conch.server.web.SocialSearch;
import org.conch.testing.SyntheticFeeds;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code scripts/bench search}: the social index over a store of a million synthetic posts whose text mixes a few
 * dozen common words with a long tail of rare ones (drawn log-uniformly from 100,000) and, one post in five, a
 * {@code #tag} (from 1,000, drawn the same way). Prints how long the index takes to read the whole log (what a
 * server start costs) and the heap it holds, then the p50/p99 of {@code /api/search} as its route answers it
 * (index, store look-ups, abouts, markdown, JSON; without HTTP) for words, rare words, tags and feed ids, first
 * pages and any page. Every query draws new parameters. Prints figures; asserts nothing.
 */
public final class SearchBench {
    private static final int PAGE = 50;
    private static final int RARE_WORDS = 100_000;
    private static final int TAGS = 1_000;
    /** Words of {@link SyntheticFeeds#post}'s vocabulary: each is in most posts. */
    private static final String[] COMMON = {"scuttlebutt", "harbor", "kelp", "lighthouse", "gossip", "tide", "coral", "dinghy"};

    private final int messages;
    private final int feeds;
    private final Path work;
    private final LatencyCases cases;
    private final SplittableRandom random = new SplittableRandom(7);

    private SearchBench(int messages, int feeds, int queries, Path work) {
        this.messages = messages;
        this.feeds = feeds;
        this.work = work;
        this.cases = new LatencyCases(queries);
    }

    public static void main(String[] args) throws Exception {
        ReadBenchOptions options = ReadBenchOptions.parse("SearchBench", args);
        new SearchBench(options.messages(), options.feeds(), options.queries(), options.work()).run();
    }

    /** A synthetic post with two words of the long tail and, one time in five, a tag. */
    static Map<String, Object> post(SplittableRandom random, List<Message> recent) {
        Map<String, Object> content = new LinkedHashMap<>(SyntheticFeeds.post(random, recent));
        String text = content.get("text") + " " + rareWord(random) + " " + rareWord(random);
        if (random.nextInt(5) == 0) text += " #" + tag(random);
        content.put("text", text);
        return content;
    }

    /** Rank r of n drawn with probability about 1/(r ln n): a few words are frequent, most are rare (as in real text). */
    private static int logUniform(SplittableRandom random, int n) {
        return (int) Math.exp(random.nextDouble() * Math.log(n));
    }

    private static String rareWord(SplittableRandom random) {
        return "w" + Integer.toString(logUniform(random, RARE_WORDS), 36);
    }

    private static String tag(SplittableRandom random) {
        return "tag" + logUniform(random, TAGS);
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Path storeDir = SyntheticStore.of(work, "search", messages, feeds, SearchBench::post);
        FeedId self = Identity.fromSeed(SyntheticFeeds.seed(0)).id();
        try (H2FeedStore store = H2FeedStore.open(storeDir)) {
            System.out.printf(Locale.ROOT, "conch search benchmark: %,d messages in %d feeds, pages of %d, %d cores, heap up to %,d MB%n",
                    store.messageCount(), feeds, PAGE, Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20);
            store.about(self); // the timeline index (abouts) is built once, before anything is measured

            long[] read = {0};
            long started = System.nanoTime();
            store.forEachInLog(1, stored -> read[0]++);
            System.out.printf(Locale.ROOT, "reading the log alone (%,d messages) takes %.1f s%n", read[0], (System.nanoTime() - started) / 1e9);

            // The heap of an index is what freeing it gives back; the index the queries use is a second one.
            long before = heapAfterGc();
            SocialIndex first = build(store, self, "the social index read the whole log");
            long held = heapAfterGc();
            System.out.printf(Locale.ROOT, "  %,d posts indexed; heap held: %,d MB%n", first.postCount(), (held - before) >> 20);
            first = null;
            long freed = heapAfterGc();
            System.out.printf(Locale.ROOT, "  heap the index gave back when dropped: %,d MB%n", (held - freed) >> 20);
            SocialIndex index = build(store, self, "again (the log in the page cache, the JIT warm)");

            SocialSearch search = new SocialSearch(index, store, new FollowGraph(), self);
            int posts = index.postCount();
            cases.printHeader();
            cases.run("a common word, first page", () -> reply(search, common(), SocialIndex.FIRST_PAGE));
            cases.run("two common words, any page", () -> reply(search, common() + " " + common(), random.nextInt(posts)));
            cases.run("a rare word, first page", () -> reply(search, rareWord(random), SocialIndex.FIRST_PAGE));
            cases.run("two rare words, first page (mostly none)", () ->
                    reply(search, rareWord(random) + " " + rareWord(random), SocialIndex.FIRST_PAGE));
            cases.run("a common and a rare word, first page", () ->
                    reply(search, common() + " " + rareWord(random), SocialIndex.FIRST_PAGE));
            cases.run("#tag, first page", () -> reply(search, "#" + tag(random), SocialIndex.FIRST_PAGE));
            cases.run("#tag, any page", () -> reply(search, "#" + tag(random), random.nextInt(posts)));
            cases.run("#tag and a common word, first page", () -> reply(search, "#" + tag(random) + " " + common(), SocialIndex.FIRST_PAGE));
            cases.run("a feed id", () ->
                    reply(search, Identity.fromSeed(SyntheticFeeds.seed(random.nextInt(feeds))).id().toString(), SocialIndex.FIRST_PAGE));
            cases.run("tag page (/api/tag/NAME), any page", () ->
                    CanonicalJson.compact(search.tagged(tag(random), random.nextInt(posts), PAGE)).length());
        }
    }

    private SocialIndex build(H2FeedStore store, FeedId self, String what) {
        SocialIndex index = new SocialIndex(self);
        long started = System.nanoTime();
        store.forEachInLog(1, index::add);
        System.out.printf(Locale.ROOT, "%s in %.1f s%n", what, (System.nanoTime() - started) / 1e9);
        return index;
    }

    private String common() {
        return COMMON[random.nextInt(COMMON.length)];
    }

    /** The length of the reply's JSON, as the route writes it. */
    private static long reply(SocialSearch search, String query, int before) {
        return CanonicalJson.compact(search.search(query, before, PAGE)).length();
    }

    private static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
