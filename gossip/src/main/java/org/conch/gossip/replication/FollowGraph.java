package org.conch.gossip.replication;

import org.conch.feed.FeedId;
import org.conch.feed.Message;
import org.conch.feed.store.FeedStore;
import org.conch.feed.store.StoredMessage;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * The social graph of public {@code contact} messages: for each (author, contact) pair the edge set by
 * the author's latest contact message about that feed, in feed order. As ssb-friends 5 reads a
 * contact message: {@code blocking} (or the old {@code flagged}) true makes a block, else
 * {@code following: true} a follow, else the pair is neutral (an unfollow or unblock). Private
 * (encrypted) contact messages are not read.
 *
 * <p>Thread-safe and lock-free for readers: edges live in concurrent maps, each edge remembers the
 * sequence of the message that set it and only a later one replaces it, so messages may be applied in
 * any order and twice (the initial load and the live subscription overlap without harm). Reads such as
 * {@link #isBlockedBy} are cheap enough for a connection's thread; {@link #replicationSet} walks the
 * graph and belongs on a worker (or is cached by the caller).
 */
public final class FollowGraph {
    /** The relation an author declared towards a feed. */
    public enum Relation { FOLLOW, BLOCK, NEUTRAL }

    /** One directed edge and the sequence of the author's message that set it. */
    private record Edge(Relation relation, long sequence) {
    }

    public static final int DEFAULT_HOPS = 2;
    /** The most contact messages the initial load reads. */
    static final int LOAD_LIMIT = Integer.MAX_VALUE;

    private final Map<FeedId, Map<FeedId, Edge>> edges = new ConcurrentHashMap<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    /**
     * Applies one message: a public contact message about a feed updates the edge from its author when
     * it is later in the author's feed than the edge's current message. Anything else is ignored.
     *
     * @return true when an edge changed its relation
     */
    public boolean apply(Message message) {
        if (!"contact".equals(message.type()) || !(message.content() instanceof Map<?, ?> content)) {
            return false;
        }
        if (!(content.get("contact") instanceof String contactText)) {
            return false;
        }
        FeedId contact = FeedId.tryParse(contactText).orElse(null);
        if (contact == null) {
            return false;
        }
        Relation relation = relationOf(content);
        Edge next = new Edge(relation, message.sequence());
        Map<FeedId, Edge> from = edges.computeIfAbsent(message.author(), a -> new ConcurrentHashMap<>());
        Relation[] beforeAfter = new Relation[2];
        from.compute(contact, (key, current) -> {
            Edge result = current == null || current.sequence() < next.sequence() ? next : current;
            beforeAfter[0] = current == null ? Relation.NEUTRAL : current.relation();
            beforeAfter[1] = result.relation();
            return result;
        });
        boolean changed = beforeAfter[0] != beforeAfter[1];
        if (changed) {
            for (Runnable listener : changeListeners) {
                listener.run();
            }
        }
        return changed;
    }

    private static Relation relationOf(Map<?, ?> content) {
        if (truthy(content.get("blocking")) || truthy(content.get("flagged"))) {
            return Relation.BLOCK;
        }
        if (Boolean.TRUE.equals(content.get("following"))) {
            return Relation.FOLLOW;
        }
        return Relation.NEUTRAL;
    }

    /** JavaScript truthiness of a JSON value. */
    private static boolean truthy(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return false;
        }
        if (value instanceof Double d) {
            return d != 0 && !d.isNaN();
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        return true;
    }

    /**
     * Reads every stored contact message. Blocking (JDBC): call it on a worker. Subscribe first
     * ({@link #attach}) so that nothing appended meanwhile is missed.
     */
    public void load(FeedStore store) {
        for (StoredMessage stored : store.byType("contact", LOAD_LIMIT)) {
            apply(stored.message());
        }
    }

    /** Keeps the graph up to date with every message the store appends from now on. */
    public AutoCloseable attach(FeedStore store) {
        return store.subscribe(stored -> apply(stored.message()));
    }

    /**
     * Runs {@code listener} after an edge changes its relation, on the thread that applied the message
     * (for live updates the store's appending thread): it must be quick and must not block.
     */
    public AutoCloseable onChange(Runnable listener) {
        changeListeners.add(listener);
        return () -> changeListeners.remove(listener);
    }

    /** The relation {@code author} declared towards {@code target}; NEUTRAL when none. */
    public Relation relation(FeedId author, FeedId target) {
        Map<FeedId, Edge> from = edges.get(author);
        Edge edge = from == null ? null : from.get(target);
        return edge == null ? Relation.NEUTRAL : edge.relation();
    }

    public boolean follows(FeedId author, FeedId target) {
        return relation(author, target) == Relation.FOLLOW;
    }

    /** True when {@code owner}'s latest contact message about {@code requester} blocks it. */
    public boolean isBlockedBy(FeedId owner, FeedId requester) {
        return relation(owner, requester) == Relation.BLOCK;
    }

    /** The feeds {@code self} follows directly. */
    public Set<FeedId> followed(FeedId self) {
        Map<FeedId, Edge> from = edges.get(self);
        if (from == null) {
            return Set.of();
        }
        Set<FeedId> result = new LinkedHashSet<>();
        from.forEach((target, edge) -> {
            if (edge.relation() == Relation.FOLLOW) {
                result.add(target);
            }
        });
        return result;
    }

    /**
     * Each feed within {@code hops} follows of {@code self} with its distance: {@code self} at 0, the
     * feeds it follows at 1, theirs at 2, … Feeds that {@code self} blocks are left out and not walked
     * through.
     */
    public Map<FeedId, Integer> hops(FeedId self, int hops) {
        Map<FeedId, Integer> distance = new LinkedHashMap<>();
        distance.put(self, 0);
        Map<FeedId, Edge> own = edges.getOrDefault(self, Map.of());
        ArrayDeque<FeedId> queue = new ArrayDeque<>();
        queue.add(self);
        while (!queue.isEmpty()) {
            FeedId feed = queue.poll();
            int d = distance.get(feed);
            if (d >= hops) {
                continue;
            }
            Map<FeedId, Edge> from = edges.get(feed);
            if (from == null) {
                continue;
            }
            for (Map.Entry<FeedId, Edge> entry : from.entrySet()) {
                FeedId target = entry.getKey();
                if (entry.getValue().relation() != Relation.FOLLOW || distance.containsKey(target)) {
                    continue;
                }
                Edge ownEdge = own.get(target);
                if (ownEdge != null && ownEdge.relation() == Relation.BLOCK) {
                    continue;
                }
                distance.put(target, d + 1);
                queue.add(target);
            }
        }
        return distance;
    }

    /** {@code self} and the feeds it follows up to {@code hops} away, minus those it blocks. */
    public Set<FeedId> replicationSet(FeedId self, int hops) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(hops(self, hops).keySet()));
    }

    public Set<FeedId> replicationSet(FeedId self) {
        return replicationSet(self, DEFAULT_HOPS);
    }
}
