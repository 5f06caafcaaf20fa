package org.conch.gossip.replication;

import org.conch.feed.FeedId;
import org.conch.feed.InvalidMessageException;
import org.conch.feed.Message;
import org.conch.feed.MessageValidator;
import org.conch.feed.store.AppendResult;
import org.conch.gossip.muxrpc.Substream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The messages one connection receives, on their way into the store: each is validated
 * ({@link MessageValidator#validateDetached}, the signature) on the validation pool, many in parallel,
 * in chunks of the messages that arrived in one turn of the connection thread (up to
 * {@link #VALIDATION_CHUNK} a chunk), so that the pool's threads and the connection thread wake once a
 * chunk rather than once a message; then, in arrival order, runs of validated messages are appended in one
 * store call on the store executor, one call at a time per connection, so every feed's messages reach
 * the store's chain check in feed order. A feed whose message fails validation or the chain check
 * (a fork, a gap) is stopped for this connection: its later messages are dropped and its owner is told.
 *
 * <p>Messages at or below what the store (or this queue) already holds are dropped unvalidated.
 * When the backlog reaches {@link ReplicationConfig#INGEST_HIGH_WATER} the stream that fed it is
 * paused until the backlog falls to {@link ReplicationConfig#INGEST_LOW_WATER}.
 *
 * <p>Connection thread only, except for the completions that hop back to it.
 */
final class IngestPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(IngestPipeline.class);

    /** Who offered a message and hears what became of it; called on the connection thread. */
    interface Owner {
        void stored(Message message);

        /**
         * The feed was stopped for this connection at the message {@code sequence} (0: not known);
         * {@code reason} names the message and the rule.
         */
        void rejected(FeedId feed, long sequence, String reason);
    }

    /**
     * Messages a validation task checks at most: enough to spread a turn's arrivals over the pool's
     * threads in a few tasks, few enough that both cores get a share of a small turn.
     */
    static final int VALIDATION_CHUNK = 8;

    private record Entry(FeedId feed, long sequence, CompletableFuture<Message> validated, Owner owner) {
    }

    /** A message waiting for its chunk to go to the validation pool. */
    private record Unchecked(Object value, CompletableFuture<Message> validated) {
    }

    private final ReplicationService service;
    private final Executor context;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final Map<FeedId, Long> queuedUpTo = new HashMap<>();
    private final Set<FeedId> stopped = new HashSet<>();
    private final List<Substream> paused = new ArrayList<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private List<Unchecked> chunk = new ArrayList<>();
    /** A submit of the chunk is queued for the end of this turn. */
    private boolean submitScheduled;
    private boolean appending;
    private boolean closed;

    IngestPipeline(ReplicationService service, Executor context) {
        this.service = service;
        this.context = context;
    }

    /** Messages waiting for validation or storage. */
    int backlog() {
        return queue.size() + (appending ? 1 : 0);
    }

    boolean isStopped(FeedId feed) {
        return stopped.contains(feed);
    }

    /**
     * Takes one received message value of {@code feed} at {@code sequence}.
     *
     * @param from the stream it came on, paused when the backlog is too long (may be null)
     * @return false when it was dropped: a duplicate, or its feed is stopped
     */
    boolean offer(FeedId feed, long sequence, Object value, Substream from, Owner owner) {
        if (closed || stopped.contains(feed)) {
            return false;
        }
        long have = Math.max(service.localSequence(feed), queuedUpTo.getOrDefault(feed, 0L));
        if (sequence <= have) {
            return false;
        }
        queuedUpTo.put(feed, sequence);
        CompletableFuture<Message> validated = new CompletableFuture<>();
        queue.add(new Entry(feed, sequence, validated, owner));
        chunk.add(new Unchecked(value, validated));
        if (chunk.size() >= VALIDATION_CHUNK) {
            submitChunk();
        } else if (!submitScheduled) {
            submitScheduled = true; // once a turn: the rest of this turn's arrivals join the chunk first
            context.execute(() -> {
                submitScheduled = false;
                submitChunk();
            });
        }
        if (from != null && queue.size() >= ReplicationConfig.INGEST_HIGH_WATER && !paused.contains(from)) {
            paused.add(from);
            from.pause();
        }
        return true;
    }

    /** Sends the messages gathered so far to the validation pool as one task. */
    private void submitChunk() {
        if (chunk.isEmpty() || closed) {
            return;
        }
        List<Unchecked> submitted = chunk;
        chunk = new ArrayList<>();
        service.config().validationExecutor().execute(() -> validate(submitted));
    }

    /** On the validation pool: completes each message's future, then wakes the connection thread once. */
    private void validate(List<Unchecked> submitted) {
        for (Unchecked unchecked : submitted) {
            try {
                unchecked.validated().complete(MessageValidator.validateDetached(unchecked.value(), service.config().cap()));
            } catch (Throwable e) { // as supplyAsync would: a failing check stops the feed, not the pool thread
                unchecked.validated().completeExceptionally(e);
            }
        }
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            context.execute(() -> {
                drainScheduled.set(false);
                drain();
            });
        }
    }

    /** Appends the run of validated messages at the head of the queue, if no append is running. */
    private void drain() {
        if (closed || appending) {
            return;
        }
        List<Message> batch = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        while (!queue.isEmpty() && batch.size() < ReplicationConfig.APPEND_BATCH_SIZE) {
            Entry entry = queue.peek();
            if (!entry.validated().isDone()) {
                break;
            }
            queue.poll();
            if (stopped.contains(entry.feed())) {
                continue;
            }
            try {
                batch.add(entry.validated().join());
                entries.add(entry);
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                reject(entry, cause instanceof InvalidMessageException invalid
                        ? invalid.getMessage() : "validation failed: " + cause);
            }
        }
        maybeResume();
        if (batch.isEmpty()) {
            return;
        }
        appending = true;
        CompletableFuture.supplyAsync(() -> service.store().append(batch), service.config().storeExecutor())
                .whenComplete((result, error) -> context.execute(() -> appended(entries, result, error)));
    }

    private void appended(List<Entry> entries, AppendResult result, Throwable error) {
        appending = false;
        if (closed) {
            return;
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            LOG.atError().addKeyValue("reason", cause.toString())
                    .log("storing {} received messages failed: {}", entries.size(), cause.toString());
            for (Entry entry : entries) {
                reject(entry, "the store failed: " + cause.getMessage());
            }
        } else {
            List<AppendResult.Outcome> outcomes = result.outcomes();
            for (int i = 0; i < outcomes.size(); i++) {
                AppendResult.Outcome outcome = outcomes.get(i);
                Entry entry = entries.get(i);
                switch (outcome.status()) {
                    case STORED -> entry.owner().stored(outcome.message());
                    case DUPLICATE -> { }
                    case FORK -> reject(entry, "fork: " + outcome.reason());
                    case REFUSED -> reject(entry, outcome.reason());
                }
            }
        }
        for (Entry entry : entries) {
            Long upTo = queuedUpTo.get(entry.feed());
            if (upTo != null && upTo <= entry.sequence()) {
                queuedUpTo.remove(entry.feed());
            }
        }
        drain();
    }

    private void reject(Entry entry, String reason) {
        if (stopped.add(entry.feed())) {
            queuedUpTo.remove(entry.feed());
            entry.owner().rejected(entry.feed(), entry.sequence(), reason);
        }
    }

    private void maybeResume() {
        if (!paused.isEmpty() && queue.size() <= ReplicationConfig.INGEST_LOW_WATER) {
            List<Substream> resume = new ArrayList<>(paused);
            paused.clear();
            for (Substream stream : resume) {
                stream.resume();
            }
        }
    }

    /** Stops a feed for this connection without telling an owner (the caller found it bad itself). */
    void stop(FeedId feed) {
        stopped.add(feed);
        queuedUpTo.remove(feed);
    }

    void close() {
        closed = true;
        queue.clear();
        chunk.clear();
        paused.clear();
    }
}
