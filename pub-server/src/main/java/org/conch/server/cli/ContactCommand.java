package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.store.H2FeedStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * follow, unfollow and block: each publishes one contact message about a feed, which is what decides
 * what conch replicates (the local identity, the feeds it follows and theirs up to --hops, minus blocks).
 */
abstract class ContactCommand extends VerbCommand {
    @Parameters(index = "0", paramLabel = "@ID", converter = FeedIdConverter.class, description = "The feed.")
    private FeedId feed;

    /** The contact fields after {@code contact}: following and/or blocking. */
    abstract void describe(Map<String, Object> content);

    @Override
    public Integer call() {
        DataDirectory data = dataDirectory();
        Identity identity = data.identity();
        if (feed.equals(identity.id())) {
            throw wrongArgument("that is the local identity's own feed");
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "contact");
        content.put("contact", feed.toString());
        describe(content);
        ServerClient server = ServerClient.find(data).orElse(null);
        if (server != null) {
            Map<String, Object> request = new LinkedHashMap<>(content);
            request.remove("type");
            Map<?, ?> published = (Map<?, ?>) server.post("/api/contacts", request);
            if (json()) printJson(published);
            else out().println(published.get("key"));
            return ExitCodes.OK;
        }
        Message message;
        try (H2FeedStore store = data.openStore()) {
            message = store.publish(identity, content, SignCap.NONE);
        }
        if (json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("key", message.key().toString());
            result.put("value", message.value());
            printJson(result);
        } else {
            out().println(message.key());
        }
        return ExitCodes.OK;
    }

    @Command(name = "follow", header = "Follow a feed: replicate it, and the feeds it follows up to --hops.")
    static final class Follow extends ContactCommand {
        @Override
        void describe(Map<String, Object> content) {
            content.put("following", true);
        }
    }

    @Command(name = "unfollow", header = "Stop following a feed.")
    static final class Unfollow extends ContactCommand {
        @Override
        void describe(Map<String, Object> content) {
            content.put("following", false);
        }
    }

    @Command(name = "block", header = "Block a feed: never replicate it, and refuse to serve it your feed.")
    static final class Block extends ContactCommand {
        @Override
        void describe(Map<String, Object> content) {
            content.put("blocking", true);
        }
    }
}
