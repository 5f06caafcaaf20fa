package org.conch.feed.social;

import org.conch.feed.FeedId;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.store.StoredMessage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * What people do with each other's posts, in memory: likes ({@code vote} messages), replies per thread, hashtags,
 * words of posts for search, names, who follows whom, and the local identity's activity (replies in its threads,
 * mentions of it, likes of its posts, new followers). Fed every stored message in log order by
 * {@link LiveSocialIndex}; read by any thread.
 *
 * <p>Posts are numbered in log order; lists hold these numbers (4 bytes a post and word) and one array holds each
 * post's id, so that a page of results is a list of ids the store looks up. Page cursors are post (or activity)
 * numbers: {@code before} is exclusive, {@link #FIRST_PAGE} starts at the newest.
 */
public final class SocialIndex {
    public static final int FIRST_PAGE = Integer.MAX_VALUE;
    /** Words shorter than this are not indexed (nor searched for). */
    static final int MIN_WORD = 2;
    /** At most this many distinct words of one post are indexed: a post cannot make the index grow without bound. */
    static final int MAX_WORDS_PER_POST = 1000;

    /** Likes of one message: how many feeds like it now, the expressions they used, and whether the local identity is one. */
    public record Votes(int count, Map<String, Integer> expressions, boolean mine) {
    }

    public record Voter(FeedId feed, String expression) {
    }

    /** The replies to a thread's root: how many, and the newest. */
    public record Replies(int count, MessageId latest, FeedId latestAuthor) {
        static final Replies NONE = new Replies(0, null, null);
    }

    /** A page of message ids, newest first; {@code next} is the cursor of the following page, -1 when this is the last. */
    public record KeyPage(List<MessageId> keys, int next) {
    }

    public enum ActivityKind { REPLY, MENTION, VOTE, FOLLOW }

    /** Something another feed did that concerns the local identity; {@code number} counts up from 0. */
    public record Activity(int number, ActivityKind kind, MessageId key) {
    }

    public record ActivityPage(List<Activity> items, int next) {
    }

    /** A post: where it is in the store's log, and its id. */
    public record Post(long logSequence, MessageId key) {
    }

    private record Vote(int value, String expression) {
    }

    private final FeedId self;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private long indexedThrough;

    private byte[] postKeys = new byte[32 * 64];
    /** The log position of each post, by number (increasing: posts are numbered in log order). */
    private long[] postPositions = new long[64];
    private int posts;
    private final Map<String, IntList> words = new HashMap<>();
    private final Map<String, IntList> tags = new HashMap<>();
    private final Map<FeedId, String> names = new HashMap<>();

    private final Map<MessageId, LinkedHashMap<FeedId, Vote>> votes = new HashMap<>();
    private final Map<MessageId, Replies> replies = new HashMap<>();

    private final Map<FeedId, Set<FeedId>> following = new HashMap<>();
    private final Map<FeedId, Set<FeedId>> followers = new HashMap<>();

    private final Set<MessageId> ownMessages = new HashSet<>();
    private final Set<MessageId> ownThreads = new HashSet<>();
    private final Map<String, Boolean> subscriptions = new TreeMap<>();
    private final List<Activity> activity = new ArrayList<>();

    /** @param self the local identity, whose activity and tag subscriptions are kept */
    public SocialIndex(FeedId self) {
        this.self = self;
    }

    /** The log position of the last message added (0: none yet). */
    public long indexedThrough() {
        lock.readLock().lock();
        try {
            return indexedThrough;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Adds a stored message; messages must come in log order, and one at or below {@link #indexedThrough} is ignored. */
    public void add(StoredMessage stored) {
        lock.writeLock().lock();
        try {
            if (stored.logSequence() <= indexedThrough) return;
            indexedThrough = stored.logSequence();
            Message message = stored.message();
            if (!(message.content() instanceof Map<?, ?> content) || !(content.get("type") instanceof String type)) return;
            switch (type) {
                case "post" -> addPost(message, content);
                case "vote" -> addVote(message, content);
                case "contact" -> addContact(message, content);
                case "about" -> addAbout(message, content);
                case "channel" -> addSubscription(message, content);
                default -> {
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void addPost(Message message, Map<?, ?> content) {
        int number = posts++;
        if (postKeys.length < posts * 32) postKeys = Arrays.copyOf(postKeys, postKeys.length * 2);
        System.arraycopy(message.key().bytes(), 0, postKeys, number * 32, 32);
        if (postPositions.length < posts) postPositions = Arrays.copyOf(postPositions, postPositions.length * 2);
        postPositions[number] = indexedThrough;
        String text = content.get("text") instanceof String s ? s : "";
        String warning = content.get("contentWarning") instanceof String s ? s : "";
        int[] distinct = {0};
        Predicate<String> addWord = word -> {
            IntList list = words.computeIfAbsent(word, w -> new IntList());
            if (list.last() != number) { // a word the post repeats is listed once
                list.add(number);
                distinct[0]++;
            }
            return distinct[0] < MAX_WORDS_PER_POST;
        };
        if (Words.forEach(text, MIN_WORD, addWord)) Words.forEach(warning, MIN_WORD, addWord);
        for (String tag : Tags.of(content)) tags.computeIfAbsent(tag, t -> new IntList()).add(number);

        MessageId root = ref(content.get("root"));
        boolean own = message.author().equals(self);
        if (root != null) {
            Replies before = replies.getOrDefault(root, Replies.NONE);
            replies.put(root, new Replies(before.count() + 1, message.key(), message.author()));
        }
        if (own) {
            ownMessages.add(message.key());
            ownThreads.add(root != null ? root : message.key());
            return;
        }
        if (mentionsSelf(content)) noteActivity(ActivityKind.MENTION, message.key());
        else if (root != null && ownThreads.contains(root)) noteActivity(ActivityKind.REPLY, message.key());
    }

    private boolean mentionsSelf(Map<?, ?> content) {
        if (!(content.get("mentions") instanceof List<?> mentions)) return false;
        String me = self.toString();
        for (Object mention : mentions) {
            if (mention instanceof Map<?, ?> entry && me.equals(entry.get("link"))) return true;
        }
        return false;
    }

    private void addVote(Message message, Map<?, ?> content) {
        if (!(content.get("vote") instanceof Map<?, ?> vote)) return;
        MessageId link = ref(vote.get("link"));
        if (link == null || !(vote.get("value") instanceof Number value)) return;
        String expression = vote.get("expression") instanceof String s && !s.isBlank() ? s.strip() : "Like";
        LinkedHashMap<FeedId, Vote> byAuthor = votes.computeIfAbsent(link, l -> new LinkedHashMap<>());
        byAuthor.remove(message.author()); // the newest vote of a feed replaces its earlier one, and goes last
        byAuthor.put(message.author(), new Vote(value.intValue() > 0 ? 1 : 0, expression));
        if (value.intValue() > 0 && !message.author().equals(self) && ownMessages.contains(link)) {
            noteActivity(ActivityKind.VOTE, message.key());
        }
    }

    private void addContact(Message message, Map<?, ?> content) {
        if (!(content.get("contact") instanceof String contactText)) return;
        FeedId contact = FeedId.tryParse(contactText).orElse(null);
        if (contact == null) return;
        FeedId author = message.author();
        boolean follows = Boolean.TRUE.equals(content.get("following")) && !Boolean.TRUE.equals(content.get("blocking"));
        boolean changes = content.containsKey("following") || content.containsKey("blocking");
        if (!changes) return;
        boolean before = following.getOrDefault(author, Set.of()).contains(contact);
        if (follows) {
            following.computeIfAbsent(author, a -> new LinkedHashSet<>()).add(contact);
            followers.computeIfAbsent(contact, c -> new LinkedHashSet<>()).add(author);
            if (!before && contact.equals(self) && !author.equals(self)) noteActivity(ActivityKind.FOLLOW, message.key());
        } else {
            Set<FeedId> of = following.get(author);
            if (of != null) of.remove(contact);
            Set<FeedId> by = followers.get(contact);
            if (by != null) by.remove(author);
        }
    }

    private void addAbout(Message message, Map<?, ?> content) {
        if (!message.author().toString().equals(content.get("about"))) return;
        if (content.get("name") instanceof String name && !name.isBlank()) names.put(message.author(), name.strip());
    }

    private void addSubscription(Message message, Map<?, ?> content) {
        if (!message.author().equals(self) || !(content.get("channel") instanceof String channel)) return;
        Tags.normalize(channel).ifPresent(tag -> subscriptions.put(tag, Boolean.TRUE.equals(content.get("subscribed"))));
    }

    private void noteActivity(ActivityKind kind, MessageId key) {
        activity.add(new Activity(activity.size(), kind, key));
    }

    private static MessageId ref(Object value) {
        Object link = value instanceof Map<?, ?> map ? map.get("link") : value;
        return link instanceof String text ? MessageId.tryParse(text).orElse(null) : null;
    }

    public Votes votes(MessageId message) {
        lock.readLock().lock();
        try {
            Map<FeedId, Vote> byAuthor = votes.getOrDefault(message, new LinkedHashMap<>());
            Map<String, Integer> expressions = new LinkedHashMap<>();
            int count = 0;
            for (Vote vote : byAuthor.values()) {
                if (vote.value() <= 0) continue;
                count++;
                expressions.merge(vote.expression(), 1, Integer::sum);
            }
            Vote own = byAuthor.get(self);
            return new Votes(count, expressions, own != null && own.value() > 0);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The feeds that like {@code message} now, the latest vote last. */
    public List<Voter> voters(MessageId message) {
        lock.readLock().lock();
        try {
            List<Voter> voters = new ArrayList<>();
            votes.getOrDefault(message, new LinkedHashMap<>()).forEach((feed, vote) -> {
                if (vote.value() > 0) voters.add(new Voter(feed, vote.expression()));
            });
            return voters;
        } finally {
            lock.readLock().unlock();
        }
    }

    public Replies replies(MessageId root) {
        lock.readLock().lock();
        try {
            return replies.getOrDefault(root, Replies.NONE);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Posts with this tag (any spelling {@link Tags#normalize} accepts), newest first. */
    public KeyPage tagged(String tag, int before, int limit) {
        lock.readLock().lock();
        try {
            IntList list = Tags.normalize(tag).map(tags::get).orElse(null);
            return list == null ? new KeyPage(List.of(), -1) : intersection(List.of(list), before, limit);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Posts that hold every word of {@code query} (and its {@code #tags} as tags), newest first. */
    public KeyPage search(String query, int before, int limit) {
        lock.readLock().lock();
        try {
            List<IntList> lists = new ArrayList<>();
            for (String part : query.strip().split("\\s+")) {
                if (part.startsWith("#")) {
                    IntList list = Tags.normalize(part).map(tags::get).orElse(null);
                    if (list == null) return new KeyPage(List.of(), -1);
                    lists.add(list);
                    continue;
                }
                for (String word : Words.of(part, MIN_WORD, MAX_WORDS_PER_POST)) {
                    IntList list = words.get(word);
                    if (list == null) return new KeyPage(List.of(), -1);
                    lists.add(list);
                }
            }
            return lists.isEmpty() ? new KeyPage(List.of(), -1) : intersection(lists, before, limit);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Walks the shortest list from {@code before} down, keeping the posts every other list holds too. */
    private KeyPage intersection(List<IntList> lists, int before, int limit) {
        List<IntList> sorted = new ArrayList<>(lists);
        sorted.sort(Comparator.comparingInt(IntList::size));
        IntList shortest = sorted.get(0);
        List<MessageId> keys = new ArrayList<>();
        int lastKept = -1;
        for (int i = shortest.lastBelow(before); i >= 0; i--) {
            int number = shortest.get(i);
            boolean everywhere = true;
            for (int l = 1; l < sorted.size() && everywhere; l++) everywhere = sorted.get(l).contains(number);
            if (!everywhere) continue;
            if (keys.size() == limit) return new KeyPage(keys, lastKept); // one more exists: the next page starts below the last kept
            keys.add(postKey(number));
            lastKept = number;
        }
        return new KeyPage(keys, -1);
    }

    private MessageId postKey(int number) {
        return MessageId.of(Arrays.copyOfRange(postKeys, number * 32, number * 32 + 32));
    }

    /** Feeds whose own name contains {@code text} (ignoring case), at most {@code limit}, by name. */
    public List<FeedId> feedsNamed(String text, int limit) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        if (wanted.isEmpty()) return List.of();
        lock.readLock().lock();
        try {
            return names.entrySet().stream()
                    .filter(entry -> entry.getValue().toLowerCase(Locale.ROOT).contains(wanted))
                    .sorted(Map.Entry.comparingByValue(String.CASE_INSENSITIVE_ORDER))
                    .limit(limit)
                    .map(Map.Entry::getKey)
                    .toList();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The tags the local identity subscribed to (its latest {@code channel} message for each says subscribed). */
    public List<String> subscriptions() {
        lock.readLock().lock();
        try {
            return subscriptions.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The posts of the tags the local identity subscribes to, before log position {@code before}, newest first: at most
     * {@code limit + 1}, so that the caller knows whether there are more (the home timeline merges them with the posts of
     * followed feeds, so they page by log position like it).
     */
    public List<Post> subscribedPosts(long before, int limit) {
        lock.readLock().lock();
        try {
            List<IntList> lists = new ArrayList<>();
            subscriptions.forEach((tag, subscribed) -> {
                IntList list = tags.get(tag);
                if (subscribed && list != null) lists.add(list);
            });
            int found = Arrays.binarySearch(postPositions, 0, posts, before);
            int bound = found >= 0 ? found : -found - 1; // posts numbered below this are before the position
            int[] cursors = new int[lists.size()];
            for (int l = 0; l < cursors.length; l++) cursors[l] = lists.get(l).lastBelow(bound);
            List<Post> result = new ArrayList<>();
            while (result.size() <= limit) {
                // A k-way merge, newest first; a post with two subscribed tags comes once.
                int newest = -1;
                for (int l = 0; l < cursors.length; l++) if (cursors[l] >= 0) newest = Math.max(newest, lists.get(l).get(cursors[l]));
                if (newest < 0) break;
                for (int l = 0; l < cursors.length; l++) if (cursors[l] >= 0 && lists.get(l).get(cursors[l]) == newest) cursors[l]--;
                result.add(new Post(postPositions[newest], postKey(newest)));
            }
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether a message is a post with a tag the local identity subscribes to (it belongs in the home timeline). */
    public boolean isInSubscribedTag(Message message) {
        if (!(message.content() instanceof Map<?, ?> content) || !"post".equals(content.get("type"))) return false;
        Set<String> of = Tags.of(content);
        lock.readLock().lock();
        try {
            for (String tag : of) if (Boolean.TRUE.equals(subscriptions.get(tag))) return true;
            return false;
        } finally {
            lock.readLock().unlock();
        }
    }

    public Set<FeedId> followers(FeedId feed) {
        return copyOf(followers, feed);
    }

    public Set<FeedId> following(FeedId feed) {
        return copyOf(following, feed);
    }

    private Set<FeedId> copyOf(Map<FeedId, Set<FeedId>> edges, FeedId feed) {
        lock.readLock().lock();
        try {
            return new LinkedHashSet<>(edges.getOrDefault(feed, Set.of()));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The local identity's activity, newest first, numbers below {@code before}. */
    public ActivityPage activity(int before, int limit) {
        lock.readLock().lock();
        try {
            int top = Math.min(before, activity.size()) - 1;
            List<Activity> items = new ArrayList<>();
            for (int i = top; i >= 0 && items.size() < limit; i--) items.add(activity.get(i));
            int last = top - items.size();
            return new ActivityPage(items, last >= 0 ? last + 1 : -1);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many activity items there are with a number of at least {@code from} (what has come since the user last looked). */
    public int activitySince(int from) {
        lock.readLock().lock();
        try {
            return Math.max(0, activity.size() - Math.max(0, from));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many posts are indexed. */
    public int postCount() {
        lock.readLock().lock();
        try {
            return posts;
        } finally {
            lock.readLock().unlock();
        }
    }
}
