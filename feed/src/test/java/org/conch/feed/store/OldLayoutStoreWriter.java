package org.conch.feed.store;

import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;
import org.conch.feed.testing.Messages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.conch.feed.store.H2FeedStoreTest.seed;

/**
 * How {@code stores/v1-bodies.zip} was written: by this class at the commit that added it, when the store
 * still kept message bodies in H2 ({@code message.body}). Run again it writes whatever layout the code of
 * the day writes, so the zip is kept as it is and this class only documents what is in it: 4 feeds, 460
 * messages in receive order (listed in {@code log.jsonl} as key-value-timestamp lines), replies in 3 threads,
 * abouts, contacts and one recorded fork of Alice's feed at sequence 7.
 *
 * <p>{@code mvn -pl feed -am verify -Dtest=OldLayoutStoreWriter -Dconch.writeOldStore=/tmp/v1-bodies.zip}
 */
class OldLayoutStoreWriter {
    static final Identity ALICE = Identity.fromSeed(seed(1));
    static final Identity BOB = Identity.fromSeed(seed(2));
    static final Identity CAROL = Identity.fromSeed(seed(3));
    static final Identity DAVE = Identity.fromSeed(seed(4));

    @Test
    @EnabledIfSystemProperty(named = "conch.writeOldStore", matches = ".+")
    void writeTheStore() throws IOException {
        Path zip = Path.of(System.getProperty("conch.writeOldStore"));
        Path dir = Files.createTempDirectory("old-store");
        List<Message> threads = new ArrayList<>();
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            List<Message> alices = Messages.chain(ALICE, 200);
            store.append(alices.subList(0, 100));
            Message rival = MessageSigner.sign(ALICE, FeedState.of(alices.get(5)), Messages.post("a rival seventh"), 1.7e12, SignCap.NONE);
            assertThat(store.append(List.of(rival)).count(AppendResult.Status.FORK)).isEqualTo(1);
            threads.add(alices.get(0));
            threads.add(alices.get(10));
            threads.add(alices.get(99));
            store.publish(BOB, about(BOB, "bob"), SignCap.NONE);
            store.publish(CAROL, about(CAROL, "carol"), SignCap.NONE);
            store.publish(BOB, Messages.follow(ALICE.id()), SignCap.NONE);
            store.publish(CAROL, Messages.follow(ALICE.id()), SignCap.NONE);
            for (int i = 0; i < 100; i++) {
                Message root = threads.get(i % threads.size());
                store.publish(i % 2 == 0 ? BOB : CAROL, reply("reply " + i, root), SignCap.NONE);
                if (i % 10 == 0) store.append(alices.subList(100 + i, 110 + i));
            }
            for (int i = 0; i < 50; i++) store.publish(DAVE, Messages.post("dave " + i), SignCap.NONE);
            for (int i = 0; i < 50; i++) store.publish(BOB, Messages.post("bob " + i), SignCap.NONE);
            for (int i = 0; i < 56; i++) store.publish(CAROL, Messages.post("carol " + i), SignCap.NONE);
            assertThat(store.messageCount()).isEqualTo(460);
        }
        StringBuilder log = new StringBuilder();
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            store.forEachInLog(1, stored -> log.append(stored.toKvtJson()).append('\n'));
        }
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            put(out, "conch.mv.db", Files.readAllBytes(dir.resolve("conch.mv.db")));
            put(out, "log.jsonl", log.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder roots = new StringBuilder();
            for (Message root : threads) roots.append(root.key()).append('\n');
            put(out, "thread-roots.txt", roots.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void put(ZipOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    static Map<String, Object> about(Identity who, String name) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "about");
        content.put("about", who.id().toString());
        content.put("name", name);
        return content;
    }

    static Map<String, Object> reply(String text, Message root) {
        Map<String, Object> content = Messages.post(text);
        content.put("root", root.key().toString());
        content.put("branch", root.key().toString());
        return content;
    }
}
