package org.conch.feed.io;

import org.conch.feed.FeedException;
import org.conch.feed.InvalidMessageException;
import org.conch.feed.Message;
import org.conch.feed.MessageValidator;
import org.conch.feed.SignCap;
import org.conch.feed.json.Json;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Streams a JSON-lines file of messages in chunks and runs the expensive, state-free part of
 * validation (parsing, canonical JSON, the signature) on a small pool, while the caller's thread
 * works through an earlier chunk in line order. At most four chunks are in memory at once.
 */
final class ParallelLineDecoder implements AutoCloseable {
    /** Slices per worker in a chunk: small enough to even out uneven lines, large enough to be cheap. */
    private static final int SLICES_PER_THREAD = 4;
    /**
     * Chunks validated ahead of the one the caller is working through: with two, the pool always has
     * work queued while the caller appends, so neither side waits for the other.
     */
    private static final int CHUNKS_AHEAD = 2;

    private final SignCap cap;
    private final int chunkSize;
    private final int sliceSize;
    private final ExecutorService pool;

    ParallelLineDecoder(SignCap cap, int threads, int chunkSize) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (chunkSize < 1) throw new IllegalArgumentException("chunkSize must be at least 1, got " + chunkSize);
        this.cap = cap;
        this.chunkSize = chunkSize;
        this.sliceSize = Math.max(1, (chunkSize + threads * SLICES_PER_THREAD - 1) / (threads * SLICES_PER_THREAD));
        this.pool = Executors.newFixedThreadPool(threads, daemonThreads());
    }

    /**
     * Reads every line and hands the decoded non-blank lines to {@code chunkConsumer}, chunk by chunk,
     * in line order, on the calling thread. Blank lines are skipped; their numbers stay counted.
     *
     * @return the number of blank lines skipped
     */
    long decode(Reader input, Consumer<List<DecodedLine>> chunkConsumer) throws IOException {
        JsonLineReader lines = new JsonLineReader(input);
        long blankLines = 0;
        ArrayDeque<List<Future<List<DecodedLine>>>> pending = new ArrayDeque<>();
        while (true) {
            List<JsonLineReader.Line> chunk = new ArrayList<>(chunkSize);
            JsonLineReader.Line line;
            while (chunk.size() < chunkSize && (line = lines.next()) != null) {
                if (line.isBlank()) blankLines++;
                else chunk.add(line);
            }
            if (chunk.isEmpty()) break;
            pending.add(submit(chunk));
            if (pending.size() > CHUNKS_AHEAD) chunkConsumer.accept(collect(pending.poll()));
        }
        while (!pending.isEmpty()) chunkConsumer.accept(collect(pending.poll()));
        return blankLines;
    }

    private List<Future<List<DecodedLine>>> submit(List<JsonLineReader.Line> chunk) {
        List<Future<List<DecodedLine>>> slices = new ArrayList<>();
        for (int from = 0; from < chunk.size(); from += sliceSize) {
            List<JsonLineReader.Line> slice = chunk.subList(from, Math.min(from + sliceSize, chunk.size()));
            slices.add(pool.submit(() -> {
                List<DecodedLine> decoded = new ArrayList<>(slice.size());
                for (JsonLineReader.Line line : slice) decoded.add(decodeLine(line, cap));
                return decoded;
            }));
        }
        return slices;
    }

    private static List<DecodedLine> collect(List<Future<List<DecodedLine>>> slices) throws IOException {
        List<DecodedLine> chunk = new ArrayList<>();
        try {
            for (Future<List<DecodedLine>> slice : slices) chunk.addAll(slice.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while validating messages");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            if (e.getCause() instanceof Error error) throw error;
            throw new FeedException("validating messages failed: " + e.getCause(), e.getCause());
        }
        return chunk;
    }

    /** Everything about one line that needs no feed state; thread-safe. */
    static DecodedLine decodeLine(JsonLineReader.Line line, SignCap cap) {
        long number = line.number();
        if (line.isTooLong()) {
            return new DecodedLine.Unreadable(number, "line is longer than " + JsonLineReader.MAX_LINE_CHARS + " characters");
        }
        Object parsed;
        try {
            parsed = Json.parse(line.text());
        } catch (FeedException e) {
            return new DecodedLine.Unreadable(number, e.getMessage());
        }
        Object value = parsed;
        String claimedKey = null;
        // A wrapper has a "value"; a message value never has one (its keys are fixed) but always an author.
        if (parsed instanceof Map<?, ?> object && object.containsKey("value") && !object.containsKey("author")) {
            value = object.get("value");
            Object key = object.get("key");
            if (key != null && !(key instanceof String)) {
                return new DecodedLine.Unreadable(number,
                        "the key of a {key,value,timestamp} line must be a string, got " + Json.typeName(key));
            }
            claimedKey = (String) key;
        }
        try {
            Message message = MessageValidator.validateDetached(value, cap);
            return new DecodedLine.Decoded(number, message, claimedKey);
        } catch (InvalidMessageException e) {
            return new DecodedLine.Invalid(number, value, e);
        } catch (FeedException e) {
            // Not a rule of ssb-validate but still this line's fault (say, an unusable key): report, don't crash.
            return new DecodedLine.Unreadable(number, e.getMessage());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "conch-validate-" + counter.incrementAndGet());
            thread.setDaemon(true); // never keeps a finished command's JVM alive
            return thread;
        };
    }
}
