package org.conch.feed.store;

import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;

/**
 * How to open an {@link H2FeedStore}. Start from {@link #at} or {@link #inMemory} and change what a test
 * or tool needs with the {@code with…} methods.
 *
 * @param directory     where the database and the message log live (ignored in memory)
 * @param inMemory      for tests: a private in-memory database and a log in a temporary directory, both gone on close
 * @param indexBatch    log entries held in memory before the index thread writes their rows to H2 in one transaction
 * @param keyIndexBatch message ids held in memory before they go to the id index in one sorted batch
 * @param segmentBytes  size past which the log starts a new segment file
 * @param indexExecutor runs the index batches (null: a thread of the store's own); tests pass their own to hold batches back
 * @param progress      hears the running count while opening catches the indexes up with a long log (a rebuild)
 */
public record StoreOptions(Path directory, boolean inMemory, int indexBatch, int keyIndexBatch, long segmentBytes,
                           Executor indexExecutor, LongConsumer progress) {
    /** Index rows written per transaction off the append path: large enough that H2's per-commit cost fades. */
    public static final int DEFAULT_INDEX_BATCH = 5_000;
    /** Message ids per sorted batch into the id index (about 10 MiB in memory). */
    public static final int DEFAULT_KEY_INDEX_BATCH = 100_000;

    public StoreOptions {
        if (directory == null && !inMemory) throw new IllegalArgumentException("a file-backed store needs a directory");
        if (indexBatch < 1 || keyIndexBatch < 1 || segmentBytes < 1) throw new IllegalArgumentException("batch and segment sizes must be positive");
        if (progress == null) progress = count -> { };
    }

    /** The file-backed store in {@code directory}, with the default sizes. */
    public static StoreOptions at(Path directory) {
        return new StoreOptions(directory, false, DEFAULT_INDEX_BATCH, DEFAULT_KEY_INDEX_BATCH, MessageLog.DEFAULT_SEGMENT_BYTES, null, null);
    }

    /** A private store in memory (tests). */
    public static StoreOptions inMemoryStore() {
        return new StoreOptions(null, true, DEFAULT_INDEX_BATCH, DEFAULT_KEY_INDEX_BATCH, MessageLog.DEFAULT_SEGMENT_BYTES, null, null);
    }

    public StoreOptions withBatches(int indexBatch, int keyIndexBatch) {
        return new StoreOptions(directory, inMemory, indexBatch, keyIndexBatch, segmentBytes, indexExecutor, progress);
    }

    public StoreOptions withSegmentBytes(long segmentBytes) {
        return new StoreOptions(directory, inMemory, indexBatch, keyIndexBatch, segmentBytes, indexExecutor, progress);
    }

    public StoreOptions withIndexExecutor(Executor indexExecutor) {
        return new StoreOptions(directory, inMemory, indexBatch, keyIndexBatch, segmentBytes, indexExecutor, progress);
    }

    public StoreOptions withProgress(LongConsumer progress) {
        return new StoreOptions(directory, inMemory, indexBatch, keyIndexBatch, segmentBytes, indexExecutor, progress);
    }
}
