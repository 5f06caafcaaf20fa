package org.conch.server.web;

import org.conch.feed.FeedId;
import org.conch.feed.MessageId;
import org.conch.feed.social.SocialIndex;
import org.conch.feed.store.StoredMessage;
import org.conch.feed.store.Timelines;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each message of a page carries besides itself: {@code "votes": {count, expressions, mine}} and, for a post
 * that starts a thread, {@code "replies": {count, latest: {key, author, name}}}.
 */
final class SocialFields implements MessageJson.Extras {
    private final SocialIndex index;
    private final Timelines timelines;

    SocialFields(SocialIndex index, Timelines timelines) {
        this.index = index;
        this.timelines = timelines;
    }

    @Override
    public void addTo(StoredMessage stored, Map<String, Object> json) {
        MessageId key = stored.message().key();
        json.put("votes", votes(index.votes(key)));
        if (!"post".equals(stored.message().type())) return;
        SocialIndex.Replies replies = index.replies(key);
        Map<String, Object> thread = new LinkedHashMap<>();
        thread.put("count", (double) replies.count());
        if (replies.latest() != null) {
            FeedId author = replies.latestAuthor();
            Map<String, Object> latest = new LinkedHashMap<>();
            latest.put("key", replies.latest().toString());
            latest.put("author", author.toString());
            latest.put("name", timelines.about(author).name());
            thread.put("latest", latest);
        }
        json.put("replies", thread);
    }

    static Map<String, Object> votes(SocialIndex.Votes votes) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", (double) votes.count());
        Map<String, Object> expressions = new LinkedHashMap<>();
        votes.expressions().forEach((expression, count) -> expressions.put(expression, (double) count));
        json.put("expressions", expressions);
        json.put("mine", votes.mine());
        return json;
    }
}
