package org.conch.feed.testing;

import org.conch.feed.FeedId;
import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Signed messages and message contents for tests of any module. */
public final class Messages {
    private Messages() {
    }

    /** The first {@code count} messages of {@code identity}'s feed, posts "message 1", "message 2", …. */
    public static List<Message> chain(Identity identity, int count) {
        List<Message> messages = new ArrayList<>();
        FeedState state = null;
        for (int i = 1; i <= count; i++) {
            Message message = MessageSigner.sign(identity, state, post("message " + i), 1_600_000_000_000.0 + i, SignCap.NONE);
            messages.add(message);
            state = FeedState.of(message);
        }
        return messages;
    }

    /** {@code {"type": "post", "text": text}}. */
    public static Map<String, Object> post(String text) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        return content;
    }

    /** {@code {"type": "contact", "contact": feed, "following": true}}. */
    public static Map<String, Object> follow(FeedId feed) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "contact");
        content.put("contact", feed.toString());
        content.put("following", true);
        return content;
    }
}
