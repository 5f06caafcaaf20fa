package org.conch.server.web;

import org.conch.feed.FeedId;
import org.conch.feed.MessageId;
import org.conch.feed.social.SocialIndex;
import org.conch.feed.store.StoredMessage;
import org.conch.feed.store.Timelines;
import org.conch.gossip.replication.FollowGraph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replies of {@code /api/search} and {@code /api/tag/NAME}, apart from HTTP so that {@code scripts/bench search}
 * measures what the routes run: pages of post ids from the {@link SocialIndex}, looked up in the store, without the
 * feeds the local identity blocks, rendered as the timelines render them. Blocking: call it on a worker.
 */
public final class SocialSearch {
    /** The most feeds a search lists by name. */
    static final int MAX_FEEDS_FOUND = 20;

    private final SocialIndex index;
    private final Timelines store;
    private final FollowGraph graph;
    private final FeedId self;
    private final MessageJson json;

    public SocialSearch(SocialIndex index, Timelines store, FollowGraph graph, FeedId self) {
        this.index = index;
        this.store = store;
        this.graph = graph;
        this.self = self;
        this.json = new MessageJson(new MarkdownRenderer(), SocialRoutes.fields(index, store));
    }

    /**
     * {@code query}: words (every one must be in a post), {@code #tags}, a feed id or a message id. Names are searched
     * too, on the first page only.
     */
    public Map<String, Object> search(String query, int before, int limit) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("query", query);
        List<FeedId> feeds = new ArrayList<>();
        FeedId feed = FeedId.tryParse(query).orElse(null);
        MessageId message = MessageId.tryParse(query).orElse(null);
        if (feed != null) feeds.add(feed);
        else if (before == SocialIndex.FIRST_PAGE) feeds.addAll(index.feedsNamed(query, MAX_FEEDS_FOUND));
        List<Object> feedsJson = new ArrayList<>();
        for (FeedId found : feeds) if (!graph.isBlockedBy(self, found)) feedsJson.add(MessageJson.about(store.about(found)));
        result.put("feeds", feedsJson);
        if (feed != null || message != null) {
            List<MessageId> keys = message == null ? List.of() : List.of(message);
            result.putAll(messages(new SocialIndex.KeyPage(keys, -1)));
        } else {
            result.putAll(messages(index.search(query, before, limit)));
        }
        return result;
    }

    /** The posts of a tag ({@link org.conch.feed.social.Tags#normalize normalized}), and whether the local identity subscribes to it. */
    public Map<String, Object> tagged(String tag, int before, int limit) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("tag", tag);
        page.put("subscribed", index.subscriptions().contains(tag));
        page.putAll(messages(index.tagged(tag, before, limit)));
        return page;
    }

    /** The messages of a page of ids that are stored here and not by a blocked feed, with the page's cursor. */
    private Map<String, Object> messages(SocialIndex.KeyPage page) {
        List<StoredMessage> stored = new ArrayList<>();
        for (MessageId key : page.keys()) {
            store.get(key).filter(message -> !graph.isBlockedBy(self, message.message().author())).ifPresent(stored::add);
        }
        Timelines.Page found = new Timelines.Page(stored, 0);
        Map<String, Object> result = json.page(found, store.abouts(MessageJson.authors(found)));
        result.put("next", page.next() < 0 ? null : Cursors.format(page.next()));
        return result;
    }
}
