package org.conch.gossip.replication;

import org.conch.feed.FeedId;
import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.StoreOptions;
import org.conch.feed.store.StoredMessage;
import org.conch.gossip.muxrpc.MethodRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** A conch peer for tests: an identity, an in-memory H2 store, replication and its registry. */
final class Node implements AutoCloseable {
    final String name;
    final Identity identity;
    final H2FeedStore store;
    final ReplicationService service;
    final MethodRegistry registry = new MethodRegistry();

    private Node(String name, Identity identity, H2FeedStore store, ReplicationService service) {
        this.name = name;
        this.identity = identity;
        this.store = store;
        this.service = service;
    }

    static Identity identity(int seed) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) seed);
        return Identity.fromSeed(bytes);
    }

    /** A node that serves every replication RPC. */
    static Node create(String name, int seed, Executor workers) {
        Node node = bare(name, seed, workers);
        ReplicationHandlers.register(node.registry, node.service);
        return node;
    }

    /** A node whose registry is left to the test. */
    static Node bare(String name, int seed, Executor workers) {
        Identity identity = identity(seed);
        H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore());
        ReplicationService service = ReplicationService.start(store,
                ReplicationConfig.of(identity.id(), SignCap.NONE, workers));
        service.ready().join();
        return new Node(name, identity, store, service);
    }

    FeedId id() {
        return identity.id();
    }

    Message post(String text) {
        return post(identity, text);
    }

    /** Publishes a post on another identity's feed, held in this store. */
    Message post(Identity author, String text) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        return store.publish(author, content, SignCap.NONE);
    }

    List<Message> posts(Identity author, int count, String prefix) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(post(author, prefix + i));
        }
        return messages;
    }

    Message contact(Identity author, FeedId contact, Boolean following, Boolean blocking) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "contact");
        content.put("contact", contact.toString());
        if (following != null) content.put("following", following);
        if (blocking != null) content.put("blocking", blocking);
        return store.publish(author, content, SignCap.NONE);
    }

    Message follow(FeedId feed) {
        return contact(identity, feed, true, null);
    }

    long seq(FeedId feed) {
        return store.state(feed).map(FeedState::sequence).orElse(0L);
    }

    List<Message> feed(FeedId feed) {
        List<Message> messages = new ArrayList<>();
        store.forEachInFeed(feed, 1, 0, stored -> messages.add(stored.message()));
        return messages;
    }

    List<StoredMessage> stored(FeedId feed) {
        List<StoredMessage> messages = new ArrayList<>();
        store.forEachInFeed(feed, 1, 0, messages::add);
        return messages;
    }

    @Override
    public void close() {
        service.close();
        store.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
