package org.conch.server.web;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.SignCap;
import org.conch.feed.json.Json;
import org.conch.feed.privatebox.PrivateContent;
import org.conch.server.BlockedEventLoops;
import org.conch.server.ConchServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.conch.server.web.ApiClient.encode;

/**
 * Private messages over the HTTP API of a running conch: listed and opened for the local client only,
 * published boxed (replies inheriting their conversation's recipients), marked read, streamed as events to
 * the local client only, and never in the timelines or the public event stream.
 */
class PrivateApiIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    private static final Identity BOB = Identity.generate();
    private static final Identity CAROL = Identity.generate();

    @TempDir
    Path data;

    private ConchServer server;
    private FeedId self;
    private ApiClient api;

    @BeforeEach
    void start() throws Exception {
        server = loops.startOnLoopback(data);
        self = server.identity().id();
        api = new ApiClient(server, data);
        server.store().publish(BOB, Map.of("type", "about", "about", BOB.id().toString(), "name", "Bob"), SignCap.NONE);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private Message fromBob(String text, List<FeedId> recps) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        content.put("recps", recps.stream().map(FeedId::toString).toList());
        return server.store().publish(BOB, PrivateContent.box(content, recps), SignCap.NONE);
    }

    @Test
    void aPrivateMessageIsListedOpenedAnsweredPrivatelyAndMarkedReadButNeverInTheTimelines() throws Exception {
        Message hello = fromBob("hello, **just you**", List.of(BOB.id(), self));
        Message notForUs = fromBob("between bob and carol", List.of(BOB.id(), CAROL.id()));
        server.privateIndex().indexed().get(30, TimeUnit.SECONDS);

        Map<String, Object> list = api.getWithToken("/api/private");
        assertThat(list.get("unread")).isEqualTo(1.0);
        List<Map<String, Object>> conversations = list(list, "conversations");
        assertThat(conversations).singleElement().satisfies(conversation -> {
            assertThat(conversation.get("root")).isEqualTo(hello.key().toString());
            assertThat(list(conversation, "participants")).extracting(p -> p.get("name")).contains("Bob");
            assertThat(conversation.get("unread")).isEqualTo(1.0);
        });
        Map<String, Object> opened = api.getWithToken("/api/private/" + encode(hello.key().toString()));
        Map<String, Object> first = list(opened, "messages").get(0);
        assertThat(first).containsEntry("private", true).containsEntry("read", false).containsEntry("name", "Bob");
        assertThat(first.get("html")).asString().contains("<strong>just you</strong>");
        assertThat(api.status("/api/private", null)).as("private reads need the token").isEqualTo(401);
        assertThat(api.status("/api/private/" + encode(notForUs.key().toString()), api.token())).isEqualTo(404);
        for (String timeline : List.of("/api/timeline/public?kind=all", "/api/timeline/home?kind=all", "/api/profile/" + encode(BOB.id().toString()) + "?kind=all")) {
            assertThat(api.body(timeline))
                    .as(timeline).doesNotContain("\"key\":\"" + hello.key()).doesNotContain("\"key\":\"" + notForUs.key())
                    .doesNotContain(".box\"");
        }

        // A reply names only the root: it inherits the conversation's recipients and is boxed before signing.
        Map<String, Object> reply = Map.of("type", "post", "text", "hello bob", "root", hello.key().toString(), "branch", hello.key().toString());
        HttpResponse<String> published = api.postWithToken("/api/publish", Map.of("content", reply));
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
        Object boxed = ((Map<?, ?>) Json.parseObject(published.body()).get("value")).get("content");
        assertThat(boxed).asString().endsWith(".box");
        assertThat(PrivateContent.unbox((String) boxed, BOB)).hasValueSatisfying(content ->
                assertThat(((Map<?, ?>) content).get("recps")).isEqualTo(List.of(BOB.id().toString(), self.toString())));
        assertThat(PrivateContent.unbox((String) boxed, CAROL)).isEmpty();
        server.privateIndex().indexed().get(30, TimeUnit.SECONDS);
        assertThat(list(api.getWithToken("/api/private/" + encode(hello.key().toString())), "messages"))
                .extracting(m -> (Object) ((Map<?, ?>) ((Map<?, ?>) m.get("value")).get("content")).get("text"))
                .containsExactly("hello, **just you**", "hello bob");

        List<String> eight = IntStream.range(0, 8).mapToObj(i -> Identity.generate().id().toString()).toList();
        HttpResponse<String> tooMany = api.postWithToken("/api/publish", Map.of("content", Map.of("type", "post", "text", "x", "recps", eight)));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("at most 7");

        HttpResponse<String> read = api.postWithToken("/api/private/read", Map.of("root", hello.key().toString()));
        assertThat(Json.parseObject(read.body())).containsEntry("marked", 1.0).containsEntry("unread", 0.0);
        assertThat(api.getWithToken("/api/private").get("unread")).isEqualTo(0.0);
    }

    @Test
    void aNewPrivateMessageIsAnEventForTheLocalClientOnlyAndNotOnThePublicStream() throws Exception {
        BlockingQueue<String> privateEvents = api.events("/api/private/events?token=" + encode(api.token()));
        BlockingQueue<String> publicEvents = api.events("/api/events");
        assertThat(api.status("/api/private/events")).as("no token, no private events").isEqualTo(401);

        Message hello = fromBob("psst", List.of(BOB.id(), self));
        server.store().publish(BOB, Map.of("type", "post", "text", "in public"), SignCap.NONE);

        String event = privateEvents.poll(30, TimeUnit.SECONDS);
        assertThat(event).isNotNull().contains("psst").contains(hello.key().toString());
        assertThat(Json.parseObject(event)).containsEntry("unread", 1.0);
        // the public stream sends in store order: the private message would have come before this post
        String firstPublic = publicEvents.poll(30, TimeUnit.SECONDS);
        assertThat(firstPublic).isNotNull().contains("in public").doesNotContain("\"key\":\"" + hello.key());
    }

    @Test
    void theCliPublishesPrivatelyAndListsAndPrintsConversationsThroughTheRunningServer() throws Exception {
        Message hello = fromBob("hello from bob", List.of(BOB.id(), self));
        server.privateIndex().indexed().get(30, TimeUnit.SECONDS);

        String published = conch("publish", "--private", BOB.id().toString(), "--text", "hello bob, from the cli");
        String list = conch("private");
        String conversation = conch("private", hello.key().toString());

        MessageId sent = MessageId.parse(published.strip());
        Object boxed = server.store().get(sent).orElseThrow().message().content();
        assertThat(PrivateContent.unbox((String) boxed, BOB)).hasValueSatisfying(content ->
                assertThat(((Map<?, ?>) content).get("text")).isEqualTo("hello bob, from the cli"));
        assertThat(list).contains(hello.key().toString() + "  1 unread of 1  Bob (" + BOB.id() + ")")
                .contains(sent.toString()).contains("2 conversations, 1 unread");
        assertThat(conversation).contains("between Bob (" + BOB.id() + ")").contains("Bob: hello from bob");
    }

    // ------------------------------------------------------------------ helpers

    /** Runs a conch verb on this server's data directory (it finds the running server); its standard output. */
    private String conch(String... verb) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of(verb), java.util.stream.Stream.of("--data", data.toString()))
                .toArray(String[]::new);
        int exit = org.conch.server.cli.ConchCommand.run(args, Map.of(), InputStream.nullInputStream(),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as("conch %s: %s", String.join(" ", verb), err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> json, String field) {
        return (List<Map<String, Object>>) json.get(field);
    }
}
