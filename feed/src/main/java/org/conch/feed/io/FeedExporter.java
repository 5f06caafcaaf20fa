package org.conch.feed.io;

import org.conch.feed.FeedException;
import org.conch.feed.FeedId;
import org.conch.feed.store.FeedStore;
import org.conch.feed.store.StoredMessage;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Writes stored messages as JSON lines {@code {"key","value","timestamp"}}, the form
 * {@link FeedImporter} reads: one feed in sequence order, or every feed in receive-log order (which
 * keeps each feed in sequence order, so the file imports front to back). The file appears whole or
 * not at all: it is written beside the target, synced, then renamed over it.
 */
public final class FeedExporter {
    private static final int WRITE_BUFFER_CHARS = 1 << 16;

    /** What an export wrote. */
    public record ExportSummary(Path file, long messages, long feeds) {
    }

    private final FeedStore store;

    public FeedExporter(FeedStore store) {
        this.store = store;
    }

    /** Exports one feed in sequence order. */
    public ExportSummary exportFeed(FeedId feed, Path file) {
        return writeAtomically(file, write -> store.forEachInFeed(feed, 1, 0, write));
    }

    /** Exports every stored message in receive-log order. */
    public ExportSummary exportAll(Path file) {
        return exportAll(file, Long.MAX_VALUE);
    }

    /**
     * Exports the stored messages up to log position {@code upTo} in receive-log order: a consistent
     * snapshot of a store that keeps receiving, since the log is append-only and a prefix of it holds
     * every feed as a prefix of that feed.
     */
    public ExportSummary exportAll(Path file, long upTo) {
        return writeAtomically(file, write -> store.forEachInLog(0, stored -> {
            if (stored.logSequence() <= upTo) write.accept(stored);
        }));
    }

    private ExportSummary writeAtomically(Path file, Consumer<Consumer<StoredMessage>> source) {
        Path target = file.toAbsolutePath();
        Path temp = null;
        try {
            Path directory = target.getParent();
            Files.createDirectories(directory);
            // Not createTempFile: that makes the file owner-only, and an export is meant to be shared.
            temp = Files.createFile(directory.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp"));
            long messages;
            Set<FeedId> feeds = new HashSet<>();
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                Writer writer = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8), WRITE_BUFFER_CHARS);
                LineWriter lines = new LineWriter(writer, feeds);
                try {
                    source.accept(lines);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                writer.flush();
                channel.force(true); // durable before it takes the target's name
                messages = lines.count;
            }
            moveIntoPlace(temp, target);
            temp = null;
            return new ExportSummary(target, messages, feeds.size());
        } catch (IOException e) {
            throw new FeedException("cannot write " + file + ": " + IoErrors.describe(e), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) return;
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // the export already failed with a better error
        }
    }

    /** Writes one line per message, counting messages and feeds. */
    private static final class LineWriter implements Consumer<StoredMessage> {
        private final Writer writer;
        private final Set<FeedId> feeds;
        long count;

        LineWriter(Writer writer, Set<FeedId> feeds) {
            this.writer = writer;
            this.feeds = feeds;
        }

        @Override
        public void accept(StoredMessage stored) {
            try {
                writer.write(stored.toKvtJson());
                writer.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the store's callback cannot throw checked exceptions
            }
            feeds.add(stored.message().author());
            count++;
        }
    }
}
