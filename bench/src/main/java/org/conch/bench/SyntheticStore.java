package org.conch.bench;

import org.conch.feed.SignCap;
import org.conch.feed.io.FeedImporter;
import org.conch.feed.store.H2FeedStore;
import org.conch.testing.SyntheticFeeds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A store of a synthetic workload for the read benches, signed and imported once and kept in the work directory. */
final class SyntheticStore {
    private SyntheticStore() {
    }

    /**
     * The directory of the store named {@code name} holding {@code messages} messages of {@code feeds} feeds, which
     * {@code contents} makes; written and imported (without signature checks) when it is not there yet.
     */
    static Path of(Path work, String name, int messages, int feeds, SyntheticFeeds.Contents contents) throws Exception {
        Path dir = work.resolve("store-" + name + "-" + messages + "-" + feeds);
        Path done = dir.resolve("complete");
        if (Files.exists(done)) return dir;
        Path file = work.resolve(("timeline".equals(name) ? "feed" : name + "-feed") + "-" + messages + "-" + feeds + ".jsonl");
        if (!Files.exists(file)) {
            long started = System.nanoTime();
            SyntheticFeeds.write(file, messages, feeds, 0, contents, progress ->
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
