package org.conch.feed.io;

import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.store.AppendResult;
import org.conch.feed.store.FeedStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Imports a JSON-lines file of messages (as {@link FeedExporter} writes it: {@code {key,value,timestamp}}
 * lines, or bare message values) into a store. Every message is validated: signatures in parallel,
 * then the store's own chain check as it appends in file order, batch by batch. Messages already stored
 * are skipped, conflicting ones are recorded as forks, and the rest that do not follow their feed
 * (a gap: files are in log order, so a predecessor must come earlier in the file or already be
 * stored) are refused with the reason. Importing the same file again stores nothing.
 *
 * <p>Blank lines are skipped, as {@link JsonLinesVerifier} does.
 */
public final class FeedImporter {
    public static final int DEFAULT_BATCH_SIZE = 2_000;
    /** Refusals kept in the summary; every refusal still reaches the listener. */
    public static final int MAX_LISTED_REFUSALS = 1_000;

    /** A line that was not stored, and why. */
    public record LineReport(long line, String reason) {
    }

    /** Told about an import as it runs, on the importing thread. */
    public interface Listener {
        /** After each batch: lines with a message processed so far, and how many of them were stored. */
        default void progress(long processed, long stored) {
        }

        /** A line whose message was invalid or did not follow its feed; nothing was stored for it. */
        default void refused(LineReport refusal) {
        }

        /** A line whose message conflicts with its stored feed; it was recorded as a fork. */
        default void forked(LineReport fork) {
        }
    }

    /**
     * The outcome of an import: {@code processed == stored + duplicates + forks + refused}.
     * {@code refusals} lists the first {@link #MAX_LISTED_REFUSALS} refused lines.
     */
    public record ImportSummary(long processed, long stored, long duplicates, long forks, long refused,
                                List<LineReport> refusals) {
    }

    private final FeedStore store;
    private final SignCap cap;
    private final int threads;
    private final int batchSize;

    /** Uses every core and batches of {@link #DEFAULT_BATCH_SIZE}. */
    public FeedImporter(FeedStore store, SignCap cap) {
        this(store, cap, Runtime.getRuntime().availableProcessors(), DEFAULT_BATCH_SIZE);
    }

    public FeedImporter(FeedStore store, SignCap cap, int threads, int batchSize) {
        this.store = store;
        this.cap = cap;
        this.threads = threads;
        this.batchSize = batchSize;
    }

    /** Imports a file read as UTF-8 (malformed bytes become U+FFFD). */
    public ImportSummary importFrom(Path file, Listener listener) throws IOException {
        try (InputStream in = Files.newInputStream(file);
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return importFrom(reader, listener);
        }
    }

    public ImportSummary importFrom(Reader input, Listener listener) throws IOException {
        Tally tally = new Tally(listener);
        try (ParallelLineDecoder decoder = new ParallelLineDecoder(cap, threads, batchSize)) {
            decoder.decode(input, chunk -> {
                appendBatch(chunk, tally);
                listener.progress(tally.processed, tally.stored);
            });
        }
        return tally.summary();
    }

    private void appendBatch(List<DecodedLine> chunk, Tally tally) {
        List<Message> batch = new ArrayList<>(chunk.size());
        List<Long> batchLines = new ArrayList<>(chunk.size());
        for (DecodedLine line : chunk) {
            tally.processed++;
            if (line instanceof DecodedLine.Unreadable unreadable) {
                tally.refuse(unreadable.number(), unreadable.error());
            } else if (line instanceof DecodedLine.Invalid invalid) {
                tally.refuse(invalid.number(), invalid.error().getMessage());
            } else {
                DecodedLine.Decoded decoded = (DecodedLine.Decoded) line;
                String keyMismatch = decoded.keyMismatch();
                if (keyMismatch != null) {
                    tally.refuse(decoded.number(), keyMismatch);
                } else {
                    batch.add(decoded.message());
                    batchLines.add(decoded.number());
                }
            }
        }
        if (batch.isEmpty()) return;
        List<AppendResult.Outcome> outcomes = store.append(batch).outcomes();
        for (int i = 0; i < outcomes.size(); i++) {
            AppendResult.Outcome outcome = outcomes.get(i);
            long line = batchLines.get(i);
            switch (outcome.status()) {
                case STORED -> tally.stored++;
                case DUPLICATE -> tally.duplicates++;
                case FORK -> tally.fork(line, describe(outcome, "conflicts with the stored feed"));
                case REFUSED -> tally.refuse(line, describe(outcome, "does not follow its feed"));
            }
        }
    }

    private static String describe(AppendResult.Outcome outcome, String fallback) {
        Message message = outcome.message();
        String reason = outcome.reason() == null ? fallback : outcome.reason();
        // The store's reason may or may not name the message; the report always does.
        String where = message.author() + ":" + message.sequence();
        return reason.contains(where) ? reason : where + ": " + reason;
    }

    /** Running counts of one import. */
    private static final class Tally {
        private final Listener listener;
        private final List<LineReport> refusals = new ArrayList<>();
        long processed;
        long stored;
        long duplicates;
        long forks;
        long refused;

        Tally(Listener listener) {
            this.listener = listener;
        }

        void refuse(long line, String reason) {
            refused++;
            LineReport report = new LineReport(line, reason);
            if (refusals.size() < MAX_LISTED_REFUSALS) refusals.add(report);
            listener.refused(report);
        }

        void fork(long line, String reason) {
            forks++;
            listener.forked(new LineReport(line, reason));
        }

        ImportSummary summary() {
            return new ImportSummary(processed, stored, duplicates, forks, refused, List.copyOf(refusals));
        }
    }
}
