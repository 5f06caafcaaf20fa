package org.conch.feed.social;

import org.conch.feed.store.FeedStore;
import org.conch.feed.store.StoredMessage;

import java.util.concurrent.Executor;

/**
 * Keeps a {@link SocialIndex} up to date with a store: it first reads the whole log, then every message the store
 * appends. All of it runs on {@code serial} (one task at a time, in order, never on the appending thread), so the
 * index sees messages in log order; a message that arrives before the log has been read up to it makes the reading
 * go on first (the store tells listeners only of messages already in its log).
 */
public final class LiveSocialIndex implements AutoCloseable {
    private final SocialIndex index;
    private final FeedStore store;
    private final AutoCloseable subscription;

    private LiveSocialIndex(SocialIndex index, FeedStore store, Executor serial) {
        this.index = index;
        this.store = store;
        this.subscription = store.subscribe(stored -> serial.execute(() -> take(stored)));
        serial.execute(this::catchUp);
    }

    /** @param serial runs tasks one at a time in submission order, off the store's appending thread */
    public static LiveSocialIndex start(SocialIndex index, FeedStore store, Executor serial) {
        return new LiveSocialIndex(index, store, serial);
    }

    public SocialIndex index() {
        return index;
    }

    private void take(StoredMessage stored) {
        long through = index.indexedThrough();
        if (stored.logSequence() <= through) return;
        if (stored.logSequence() == through + 1) index.add(stored);
        else catchUp();
    }

    private void catchUp() {
        store.forEachInLog(index.indexedThrough() + 1, index::add);
    }

    @Override
    public void close() throws Exception {
        subscription.close();
    }
}
