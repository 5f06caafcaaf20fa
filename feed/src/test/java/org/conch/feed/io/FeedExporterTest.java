package org.conch.feed.io;

import org.conch.feed.FeedException;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.SignCap;
import org.conch.feed.io.FeedExporter.ExportSummary;
import org.conch.feed.json.Json;
import org.conch.feed.store.FeedStore;
import org.conch.feed.store.StoredMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeedExporterTest {
    private final TestFeed alice = new TestFeed(1);
    private final TestFeed bob = new TestFeed(2);
    private final InMemoryFeedStore store = new InMemoryFeedStore();

    @TempDir
    Path directory;

    @Test
    void export_then_import_into_an_empty_store_reproduces_the_same_keys_in_the_same_order() throws IOException {
        storeInterleaved(6);
        Path file = directory.resolve("all.jsonl");

        ExportSummary exported = new FeedExporter(store).exportAll(file);
        InMemoryFeedStore copy = new InMemoryFeedStore();
        FeedImporter.ImportSummary imported = new FeedImporter(copy, SignCap.NONE).importFrom(file, new FeedImporter.Listener() {
        });

        assertThat(exported).isEqualTo(new ExportSummary(file.toAbsolutePath(), 12, 2));
        assertThat(imported.stored()).isEqualTo(12);
        assertThat(logKeys(copy)).isEqualTo(logKeys(store)).hasSize(12);
    }

    @Test
    void every_line_is_a_key_value_timestamp_object_of_a_stored_message() throws IOException {
        storeInterleaved(2);
        Path file = directory.resolve("all.jsonl");

        new FeedExporter(store).exportAll(file);

        List<String> lines = Files.readAllLines(file);
        List<StoredMessage> stored = new ArrayList<>();
        store.forEachInLog(0, stored::add);
        assertThat(lines).hasSize(4);
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> kvt = Json.parseObject(lines.get(i));
            assertThat(kvt.keySet()).containsExactly("key", "value", "timestamp");
            assertThat(kvt.get("key")).isEqualTo(stored.get(i).message().key().toString());
            assertThat(lines.get(i)).isEqualTo(stored.get(i).toKvtJson());
        }
    }

    @Test
    void exporting_one_feed_writes_only_it_in_sequence_order() throws IOException {
        storeInterleaved(3);
        Path file = directory.resolve("bob.jsonl");

        ExportSummary summary = new FeedExporter(store).exportFeed(bob.id(), file);

        List<String> lines = Files.readAllLines(file);
        assertThat(summary.messages()).isEqualTo(3);
        assertThat(summary.feeds()).isEqualTo(1);
        assertThat(lines).allSatisfy(line -> assertThat(line).contains("\"author\":\"" + bob.id() + "\""));
        assertThat(lines).extracting(line -> (Object) ((Map<?, ?>) Json.parseObject(line).get("value")).get("sequence"))
                .containsExactly(1.0, 2.0, 3.0);
    }

    @Test
    void an_export_replaces_the_file_whole_and_leaves_no_temporary_file() throws IOException {
        storeInterleaved(1);
        Path file = directory.resolve("out.jsonl");
        Files.writeString(file, "old content\n");

        new FeedExporter(store).exportAll(file);

        assertThat(Files.readString(file)).doesNotContain("old content");
        try (var entries = Files.list(directory)) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void a_failed_export_leaves_the_previous_file_untouched() throws IOException {
        storeInterleaved(3);
        Path file = directory.resolve("out.jsonl");
        Files.writeString(file, "previous export\n");

        assertThatThrownBy(() -> new FeedExporter(failingAfterOneMessage(store)).exportAll(file))
                .isInstanceOf(FeedException.class)
                .hasMessageContaining("disk went away");

        assertThat(Files.readString(file)).isEqualTo("previous export\n");
        try (var entries = Files.list(directory)) {
            assertThat(entries).containsExactly(file);
        }
    }

    private void storeInterleaved(int perFeed) {
        List<Message> messages = new ArrayList<>();
        for (int i = 1; i <= perFeed; i++) {
            messages.add(alice.next("a" + i));
            messages.add(bob.next("b" + i));
        }
        store.append(messages);
    }

    private static List<MessageId> logKeys(FeedStore store) {
        List<MessageId> keys = new ArrayList<>();
        store.forEachInLog(0, stored -> keys.add(stored.message().key()));
        return keys;
    }

    /** The store, except that reading its log fails after the first message. */
    @SuppressWarnings("unchecked")
    private static FeedStore failingAfterOneMessage(FeedStore store) {
        return (FeedStore) Proxy.newProxyInstance(FeedStore.class.getClassLoader(), new Class<?>[]{FeedStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("forEachInLog")) {
                        Consumer<StoredMessage> action = (Consumer<StoredMessage>) args[1];
                        store.forEachInLog((Long) args[0], new Consumer<>() {
                            private int seen;

                            @Override
                            public void accept(StoredMessage stored) {
                                if (seen++ == 1) throw new FeedException("disk went away");
                                action.accept(stored);
                            }
                        });
                        return null;
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
