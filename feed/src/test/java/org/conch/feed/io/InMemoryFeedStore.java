package org.conch.feed.io;

import org.conch.feed.FeedId;
import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.InvalidMessageException;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.MessageSigner;
import org.conch.feed.MessageValidator;
import org.conch.feed.SignCap;
import org.conch.feed.store.AppendResult;
import org.conch.feed.store.AppendResult.Outcome;
import org.conch.feed.store.AppendResult.Status;
import org.conch.feed.store.FeedStore;
import org.conch.feed.store.StoredMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link FeedStore} in plain collections with the append rules of the real store (duplicates skipped,
 * conflicts recorded as forks keyed by message id, gaps refused), for tests of code that only needs the
 * interface. Not thread-safe; not durable.
 */
public final class InMemoryFeedStore implements FeedStore {
    private final List<StoredMessage> log = new ArrayList<>();
    private final List<java.util.function.Consumer<StoredMessage>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<MessageId, StoredMessage> byKey = new HashMap<>();
    private final Map<FeedId, List<StoredMessage>> feeds = new LinkedHashMap<>();
    private final Map<MessageId, Fork> forks = new LinkedHashMap<>();
    private double clock;

    @Override
    public AppendResult append(List<Message> messages) {
        List<Outcome> outcomes = new ArrayList<>(messages.size());
        for (Message message : messages) {
            outcomes.add(appendOne(message));
        }
        return new AppendResult(outcomes);
    }

    private Outcome appendOne(Message message) {
        if (byKey.containsKey(message.key())) {
            return new Outcome(message, Status.DUPLICATE, null);
        }
        List<StoredMessage> feed = feeds.computeIfAbsent(message.author(), author -> new ArrayList<>());
        if (message.sequence() <= feed.size()) {
            MessageId stored = feed.get((int) message.sequence() - 1).message().key();
            return fork(message, "a different message " + stored + " is stored at " + message.author() + ":" + message.sequence());
        }
        try {
            MessageValidator.checkChain(feed.isEmpty() ? null : FeedState.of(feed.get(feed.size() - 1).message()), message);
        } catch (InvalidMessageException e) {
            return e.isFork() ? fork(message, e.getMessage()) : new Outcome(message, Status.REFUSED, e.getMessage());
        }
        StoredMessage stored = new StoredMessage(log.size() + 1, message, nextReceiveTime());
        log.add(stored);
        listeners.forEach(listener -> listener.accept(stored));
        byKey.put(message.key(), stored);
        feed.add(stored);
        return new Outcome(message, Status.STORED, null);
    }

    private Outcome fork(Message message, String reason) {
        forks.putIfAbsent(message.key(), new Fork(message.author(), message.sequence(), message.key(), reason,
                nextReceiveTime(), message));
        return new Outcome(message, Status.FORK, reason);
    }

    private double nextReceiveTime() {
        clock = Math.max(clock + 1, System.currentTimeMillis());
        return clock;
    }

    @Override
    public Message publish(Identity identity, Object content, SignCap cap) {
        Message message = MessageSigner.sign(identity, state(identity.id()).orElse(null), content, nextReceiveTime(), cap);
        append(List.of(message));
        return message;
    }

    @Override
    public Optional<FeedState> state(FeedId feed) {
        List<StoredMessage> messages = feeds.getOrDefault(feed, List.of());
        return messages.isEmpty() ? Optional.empty() : Optional.of(FeedState.of(messages.get(messages.size() - 1).message()));
    }

    @Override
    public Optional<StoredMessage> get(MessageId key) {
        return Optional.ofNullable(byKey.get(key));
    }

    @Override
    public void forEachInFeed(FeedId feed, long fromSequence, long limit, Consumer<StoredMessage> action) {
        List<StoredMessage> messages = feeds.getOrDefault(feed, List.of());
        long remaining = limit <= 0 ? Long.MAX_VALUE : limit;
        for (int i = (int) Math.max(0, fromSequence - 1); i < messages.size() && remaining-- > 0; i++) {
            action.accept(messages.get(i));
        }
    }

    @Override
    public void forEachInLog(long fromLogSequence, Consumer<StoredMessage> action) {
        for (StoredMessage stored : log) {
            if (stored.logSequence() >= fromLogSequence) action.accept(stored);
        }
    }

    @Override
    public List<FeedSummary> feeds() {
        List<FeedSummary> summaries = new ArrayList<>();
        feeds.forEach((feed, messages) -> {
            if (!messages.isEmpty()) {
                Message latest = messages.get(messages.size() - 1).message();
                summaries.add(new FeedSummary(feed, latest.sequence(), latest.key()));
            }
        });
        return summaries;
    }

    @Override
    public List<Fork> forks(FeedId feed) {
        return forks.values().stream().filter(fork -> fork.author().equals(feed)).toList();
    }

    @Override
    public List<StoredMessage> thread(MessageId root, int limit) {
        return log.stream()
                .filter(stored -> stored.message().content() instanceof Map<?, ?> content
                        && root.toString().equals(content.get("root")))
                .limit(limit)
                .toList();
    }

    @Override
    public List<StoredMessage> byType(String type, int limit) {
        List<StoredMessage> newestFirst = new ArrayList<>(log);
        java.util.Collections.reverse(newestFirst);
        return newestFirst.stream().filter(stored -> type.equals(stored.message().type())).limit(limit).toList();
    }

    @Override
    public AutoCloseable subscribe(java.util.function.Consumer<StoredMessage> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public long messageCount() {
        return log.size();
    }

    @Override
    public void close() {
    }
}
