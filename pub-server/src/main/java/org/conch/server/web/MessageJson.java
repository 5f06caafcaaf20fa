package org.conch.server.web;

import org.conch.feed.FeedId;
import org.conch.feed.store.StoredMessage;
import org.conch.feed.store.Timelines.About;
import org.conch.feed.store.Timelines.Page;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON model (maps, lists, Double numbers, for CanonicalJson.compact) of what the read API
 * returns: messages as {@code {key, value, timestamp}} with the author's name and, for posts, the
 * post's markdown rendered to safe HTML.
 */
public final class MessageJson {
    private final MarkdownRenderer markdown;
    private final Extras extras;

    /** Fields a message gets besides its own (likes, replies), added to its JSON. */
    @FunctionalInterface
    public interface Extras {
        Extras NONE = (stored, json) -> { };

        void addTo(StoredMessage stored, Map<String, Object> json);
    }

    public MessageJson(MarkdownRenderer markdown) {
        this(markdown, Extras.NONE);
    }

    public MessageJson(MarkdownRenderer markdown, Extras extras) {
        this.markdown = markdown;
        this.extras = extras;
    }

    /** The authors of a page's messages, whose abouts {@link #page} wants. */
    public static Set<FeedId> authors(Page page) {
        Set<FeedId> authors = new HashSet<>();
        for (StoredMessage stored : page.messages()) authors.add(stored.message().author());
        return authors;
    }

    /** {@code {"messages": [...], "next": cursor or null}}. */
    public Map<String, Object> page(Page page, Map<FeedId, About> abouts) {
        List<Object> messages = new ArrayList<>(page.messages().size());
        for (StoredMessage stored : page.messages()) {
            FeedId author = stored.message().author();
            messages.add(message(stored, abouts.getOrDefault(author, About.unknown(author))));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("messages", messages);
        json.put("next", page.hasMore() ? Cursors.format(page.next()) : null);
        return json;
    }

    /** One message with its author's name and image (a blob id, or null) and, for a post, {@code html}. */
    public Map<String, Object> message(StoredMessage stored, About author) {
        return message(stored, stored.message().value(), author);
    }

    /** {@link #message(StoredMessage, About)} with the content opened: a private message as its reader sees it. */
    public Map<String, Object> openedMessage(StoredMessage stored, Map<String, Object> openedContent, About author) {
        Map<String, Object> value = new LinkedHashMap<>(stored.message().value());
        value.put("content", openedContent);
        Map<String, Object> json = message(stored, value, author);
        json.put("private", true);
        return json;
    }

    private Map<String, Object> message(StoredMessage stored, Map<String, Object> value, About author) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", stored.message().key().toString());
        json.put("value", value);
        json.put("timestamp", stored.receivedAt());
        json.put("name", author.name());
        json.put("image", author.image());
        if (value.get("content") instanceof Map<?, ?> content && "post".equals(content.get("type"))) {
            json.put("html", content.get("text") instanceof String text ? markdown.render(text, mentions(content)) : "");
        }
        extras.addTo(stored, json);
        return json;
    }

    public static Map<String, Object> about(About about) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", about.feed().toString());
        json.put("name", about.name());
        json.put("description", about.description());
        json.put("image", about.image());
        return json;
    }

    /** The post's {@code mentions} of feeds by name, so that a bare {@code @name} in its text can link to them. */
    private static Map<String, String> mentions(Map<?, ?> content) {
        if (!(content.get("mentions") instanceof List<?> list)) return Map.of();
        Map<String, String> byName = new LinkedHashMap<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?> mention && mention.get("name") instanceof String name
                    && mention.get("link") instanceof String link && link.startsWith("@")) {
                byName.putIfAbsent(name.startsWith("@") ? name.substring(1) : name, link);
            }
        }
        return byName;
    }
}
