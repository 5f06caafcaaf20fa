package org.conch.server.api;

import org.conch.feed.FeedId;
import org.conch.feed.MessageValidator;
import org.conch.feed.json.Json;

import java.util.Map;

/** Checks of content the local user asks to publish, made before signing so the error names the field. */
public final class ContentRules {
    private ContentRules() {
    }

    /** Why ssb-validate would refuse this content, for the rules that do not depend on the rest of the message; null if none. */
    public static String problem(Object content) {
        if (!(content instanceof Map<?, ?> object)) {
            return "the content must be a JSON object, got " + Json.typeName(content);
        }
        if (!(object.get("type") instanceof String type)) {
            return "the content must have a \"type\" string";
        }
        if (type.length() < MessageValidator.MIN_TYPE_LENGTH || type.length() > MessageValidator.MAX_TYPE_LENGTH) {
            return "the content type must be " + MessageValidator.MIN_TYPE_LENGTH + " to " + MessageValidator.MAX_TYPE_LENGTH
                    + " characters long, \"" + type + "\" has " + type.length();
        }
        return null;
    }

    /** What is wrong with a follow / unfollow / block request ({@code contact}, {@code following}, {@code blocking}); null if nothing. */
    public static String contactProblem(Map<String, Object> request, FeedId self) {
        FeedId contact = request.get("contact") instanceof String text ? FeedId.tryParse(text).orElse(null) : null;
        if (contact == null) return "contact must be a feed id (@….ed25519), got " + Json.typeName(request.get("contact"));
        if (contact.equals(self)) return "that is the local identity's own feed";
        boolean following = request.containsKey("following");
        boolean blocking = request.containsKey("blocking");
        if (!following && !blocking) return "give following (true or false) or blocking (true or false)";
        if (following && !(request.get("following") instanceof Boolean)) return "following must be true or false";
        if (blocking && !(request.get("blocking") instanceof Boolean)) return "blocking must be true or false";
        return null;
    }
}
