package org.conch.server.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.conch.feed.FeedId;
import org.conch.feed.MessageId;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.store.PrivateIndex;
import org.conch.feed.store.PrivateIndex.Conversation;
import org.conch.feed.store.PrivateIndex.PrivateMessage;
import org.conch.feed.store.Timelines;
import org.conch.feed.store.Timelines.About;
import org.conch.server.http.ApiRoutes;
import org.conch.server.http.HttpApi;
import org.conch.server.http.Workers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The private messages the local identity reads (box1), for the local client only (the gate asks for the
 * token on every {@code /api/private} request): the conversations newest first with their participants'
 * names and unread counts, one conversation's messages opened, marking a conversation read, and
 * Server-Sent Events of new private messages. Publishing goes through {@code /api/publish} with {@code recps}.
 */
public final class PrivateRoutes implements ApiRoutes {
    private static final int DEFAULT_CONVERSATIONS = 50;

    private final MessageJson json = new MessageJson(new MarkdownRenderer());
    private final PrivateIndex index;
    private final Timelines timelines;
    private final Workers workers;
    private final Executor renderers;
    private final EventStreams streams = new EventStreams("conch private events");

    /** @param renderers where a new private message is rendered for the event streams (not an event loop) */
    public PrivateRoutes(PrivateIndex index, Timelines timelines, Workers workers, Executor renderers) {
        this.index = index;
        this.timelines = timelines;
        this.workers = workers;
        this.renderers = renderers;
    }

    @Override
    public void mount(Router router) {
        index.subscribe(message -> {
            if (streams.isEmpty()) return;
            try {
                renderers.execute(() -> broadcast(message));
            } catch (RejectedExecutionException stopping) {
                // the server is stopping; its streams close with it
            }
        });
        router.get("/api/private").handler(this::conversations);
        router.get("/api/private/events").handler(streams::open);
        router.get("/api/private/:root").handler(this::conversation);
        router.post("/api/private/read").handler(this::markRead);
    }

    private void conversations(RoutingContext context) {
        workers.run(() -> {
            List<Object> conversations = new ArrayList<>();
            for (Conversation conversation : index.conversations(DEFAULT_CONVERSATIONS)) {
                Map<FeedId, About> abouts = timelines.abouts(conversation.participants());
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("root", conversation.root().toString());
                item.put("participants", participants(conversation.participants(), abouts));
                item.put("latest", message(conversation.latest(), abouts));
                item.put("messages", (double) conversation.messages());
                item.put("unread", (double) conversation.unread());
                conversations.add(item);
            }
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("conversations", conversations);
            reply.put("unread", (double) index.unreadCount());
            return reply;
        }).onSuccess(reply -> HttpApi.json(context, 200, reply)).onFailure(context::fail);
    }

    private void conversation(RoutingContext context) {
        MessageId root = HttpApi.pathRef(context, "root", MessageId::tryParse, "a message id");
        if (root == null) return;
        workers.run(() -> index.conversation(root).map(conversation -> {
            Map<FeedId, About> abouts = timelines.abouts(conversation.participants());
            List<Object> messages = new ArrayList<>();
            for (PrivateMessage message : index.messages(root)) messages.add(message(message, abouts));
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("root", root.toString());
            reply.put("participants", participants(conversation.participants(), abouts));
            reply.put("recipients", conversation.latest().recipients().stream().map(FeedId::toString).toList());
            reply.put("messages", messages);
            reply.put("unread", (double) conversation.unread());
            return reply;
        }).orElse(null)).onSuccess(reply -> {
            if (reply == null) HttpApi.fail(context, 404, "no private message of conversation " + root + " is readable here");
            else HttpApi.json(context, 200, reply);
        }).onFailure(context::fail);
    }

    /** {@code {"root":"%…"}}: every message of that conversation is read. */
    private void markRead(RoutingContext context) {
        Map<String, Object> body = HttpApi.jsonObjectBody(context);
        if (body == null) return;
        MessageId root = body.get("root") instanceof String text ? MessageId.tryParse(text).orElse(null) : null;
        if (root == null) {
            HttpApi.fail(context, 400, "root must be a message id (%….sha256)");
            return;
        }
        workers.run(() -> {
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("root", root.toString());
            reply.put("marked", (double) index.markRead(root));
            reply.put("unread", (double) index.unreadCount());
            return reply;
        }).onSuccess(reply -> HttpApi.json(context, 200, reply)).onFailure(context::fail);
    }

    private Map<String, Object> message(PrivateMessage message, Map<FeedId, About> abouts) {
        FeedId author = message.stored().message().author();
        Map<String, Object> json = this.json.openedMessage(message.stored(), message.content(),
                abouts.getOrDefault(author, About.unknown(author)));
        json.put("root", message.root().toString());
        json.put("read", message.read());
        return json;
    }

    private static List<Object> participants(List<FeedId> feeds, Map<FeedId, About> abouts) {
        List<Object> participants = new ArrayList<>();
        for (FeedId feed : feeds) participants.add(MessageJson.about(abouts.getOrDefault(feed, About.unknown(feed))));
        return participants;
    }

    // ------------------------------------------------------------------ events

    private void broadcast(PrivateMessage message) {
        Set<FeedId> feeds = new HashSet<>(message.recipients());
        feeds.add(message.stored().message().author());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("message", message(message, timelines.abouts(feeds)));
        event.put("root", message.root().toString());
        event.put("unread", (double) index.unreadCount());
        streams.send("data: " + CanonicalJson.compact(event) + "\n\n");
    }
}
