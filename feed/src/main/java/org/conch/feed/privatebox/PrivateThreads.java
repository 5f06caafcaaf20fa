package org.conch.feed.privatebox;

import org.conch.feed.FeedId;
import org.conch.feed.MessageId;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who a private content is for and which conversation it belongs to, read from the opened content as
 * Patchwork and Manyverse write it: {@code recps} lists feed ids (as strings or {@code {"link": "@…"}}), and
 * {@code root} names the conversation's first message; a message without a root starts a conversation.
 */
public final class PrivateThreads {
    private PrivateThreads() {
    }

    /** The feeds in {@code content}'s {@code recps}, in order, each once; feed ids only (box2 group ids are left out). */
    public static List<FeedId> recipients(Map<?, ?> content) {
        if (!(content.get("recps") instanceof List<?> recps)) return List.of();
        Set<FeedId> feeds = new LinkedHashSet<>();
        for (Object recipient : recps) {
            Object link = recipient instanceof Map<?, ?> map ? map.get("link") : recipient;
            if (link instanceof String text) FeedId.tryParse(text).ifPresent(feeds::add);
        }
        return List.copyOf(feeds);
    }

    /** The conversation of a message: the message its content names as {@code root}, else the message itself. */
    public static MessageId root(MessageId message, Map<?, ?> content) {
        return content.get("root") instanceof String root ? MessageId.tryParse(root).orElse(message) : message;
    }

    /** The thread root a content to publish names, if any. */
    public static Optional<MessageId> rootOf(Map<?, ?> content) {
        return content.get("root") instanceof String root ? MessageId.tryParse(root) : Optional.empty();
    }

    /**
     * The recipients of a content the local identity {@code author} publishes: those of its {@code recps},
     * with the author added when missing (so that the author can read it back), 1 to
     * {@value PrivateBox#MAX_RECIPIENTS} feeds.
     *
     * @throws PrivateBoxException naming what is wrong: recps not a list of feed ids, or too many
     */
    public static List<FeedId> recipientsToPublish(Map<?, ?> content, FeedId author) {
        if (!(content.get("recps") instanceof List<?> recps) || recps.isEmpty()) {
            throw new PrivateBoxException("recps must be a list of 1 to " + PrivateBox.MAX_RECIPIENTS + " feed ids");
        }
        List<FeedId> recipients = new ArrayList<>();
        for (Object recipient : recps) {
            Object link = recipient instanceof Map<?, ?> map ? map.get("link") : recipient;
            FeedId feed = link instanceof String text ? FeedId.tryParse(text).orElse(null) : null;
            if (feed == null) throw new PrivateBoxException("recps must hold feed ids (@….ed25519), got " + recipient);
            if (!recipients.contains(feed)) recipients.add(feed);
        }
        if (!recipients.contains(author)) recipients.add(author);
        if (recipients.size() > PrivateBox.MAX_RECIPIENTS) {
            throw new PrivateBoxException("a private message has at most " + PrivateBox.MAX_RECIPIENTS
                    + " recipients, yourself included; recps names " + recipients.size());
        }
        return List.copyOf(recipients);
    }
}
