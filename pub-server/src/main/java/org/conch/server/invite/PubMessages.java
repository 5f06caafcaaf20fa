package org.conch.server.invite;

import org.conch.feed.FeedId;
import org.conch.feed.Message;
import org.conch.feed.ref.MultiserverAddress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code pub} messages, both ways: the pub role's messages about itself ({@code {type:'pub', address:{host,
 * port, key}}} so that members' clients learn where to dial it, and {@code {type:'about', about: @id, name}}
 * when it has a name), each published once, only when the pub's own feed does not already have it as its
 * latest of that kind; and the pubs a member joined, which its own feed announced after redeeming invites.
 */
public final class PubMessages {
    private PubMessages() {
    }

    /** {@code {type:'pub', address:{host, port, key}}}, as ssb-invite and the pub role publish it. */
    public static Map<String, Object> pubContent(String host, int port, FeedId key) {
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("host", host);
        address.put("port", (double) port);
        address.put("key", key.toString());
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "pub");
        content.put("address", address);
        return content;
    }

    public static Map<String, Object> aboutContent(FeedId pub, String name) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "about");
        content.put("about", pub.toString());
        content.put("name", name);
        return content;
    }

    /**
     * The contents still to publish for a pub at {@code host:port} called {@code name} (null: none),
     * given its own feed read in sequence order by {@code ownFeed}.
     */
    public static List<Map<String, Object>> missing(FeedId pub, String host, int port, String name,
                                                   Consumer<Consumer<Message>> ownFeed) {
        Objects.requireNonNull(host, "host");
        Map<String, Object> pubContent = pubContent(host, port, pub);
        Map<String, Object> aboutContent = name == null ? null : aboutContent(pub, name);
        Object[] latestPub = new Object[1];
        Object[] latestName = new Object[1];
        ownFeed.accept(message -> {
            if (!(message.content() instanceof Map<?, ?> content)) return;
            if ("pub".equals(content.get("type"))) latestPub[0] = content;
            if ("about".equals(content.get("type")) && pub.toString().equals(content.get("about")) && content.containsKey("name")) {
                latestName[0] = content.get("name");
            }
        });
        List<Map<String, Object>> missing = new java.util.ArrayList<>();
        if (!pubContent.equals(latestPub[0])) missing.add(pubContent);
        if (aboutContent != null && !name.equals(latestName[0])) missing.add(aboutContent);
        return missing;
    }

    /**
     * The pubs {@code self} announced in its own feed ({@code pub} messages, as {@code invite accept}
     * publishes them), oldest first, without itself and without repeats: the pubs to keep connected to.
     */
    public static List<MultiserverAddress> joinedPubs(FeedId self, Consumer<Consumer<Message>> ownFeed) {
        java.util.Set<MultiserverAddress> pubs = new java.util.LinkedHashSet<>();
        ownFeed.accept(message -> {
            if (!(message.content() instanceof Map<?, ?> content) || !"pub".equals(content.get("type"))) return;
            if (!(content.get("address") instanceof Map<?, ?> address)) return;
            FeedId key = address.get("key") instanceof String text ? FeedId.tryParse(text).orElse(null) : null;
            if (key == null || key.equals(self) || !(address.get("host") instanceof String host)
                    || !(address.get("port") instanceof Double port) || port != Math.rint(port)) return;
            try {
                pubs.add(new MultiserverAddress(host, port.intValue(), key));
            } catch (RuntimeException e) {
                // an address nobody can dial (bad host or port): not a pub to keep connected to
            }
        });
        return List.copyOf(pubs);
    }
}
