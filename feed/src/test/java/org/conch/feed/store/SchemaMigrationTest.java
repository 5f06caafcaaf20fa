package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.MessageId;
import org.conch.feed.SignCap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.conch.feed.store.H2FeedStoreTest.post;
import static org.conch.feed.store.H2FeedStoreTest.seed;

/**
 * Stores written by older conch versions open under this one: Flyway brings their schema up to date and
 * nothing in them is lost. {@code stores/v1} is a store written by the first schema (kept byte for byte as
 * that version wrote it): 10 messages of one feed with a recorded fork, a reply and a contact of another.
 * When a migration is added, this test checks it against real old data without changing.
 */
class SchemaMigrationTest {
    @TempDir
    Path dir;

    @Test
    void aStoreOfTheFirstSchemaIsMigratedAndKeepsEverything() throws Exception {
        try (InputStream old = Objects.requireNonNull(getClass().getResourceAsStream("/stores/v1/conch.mv.db"))) {
            Files.copy(old, dir.resolve("conch.mv.db"));
        }
        List<MessageId> keys = new ArrayList<>();
        try (InputStream listed = Objects.requireNonNull(getClass().getResourceAsStream("/stores/v1/keys.txt"))) {
            for (String line : new String(listed.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) keys.add(MessageId.parse(line.strip()));
            }
        }
        FeedId alice = Identity.fromSeed(seed(1)).id();
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            assertThat(store.messageCount()).isEqualTo(12);
            for (MessageId key : keys) assertThat(store.get(key)).as("%s", key).isPresent();
            assertThat(store.forks(alice)).hasSize(1);
            assertThat(store.thread(keys.get(0), 10)).hasSize(1);
            StoreCheck.Report report = StoreCheck.run(store, SignCap.NONE, checked -> { });
            assertThat(report.problems()).isEmpty();
            assertThat(report.messages()).isEqualTo(12);
            assertThat(store.publish(Identity.fromSeed(seed(1)), post("written after the upgrade"), SignCap.NONE).sequence())
                    .isEqualTo(11);
        }
        org.flywaydb.core.api.MigrationInfoService migrations = org.flywaydb.core.Flyway.configure()
                .dataSource(H2FeedStore.fileUrl(dir), "conch", "").locations("classpath:db/migration").load().info();
        assertThat(migrations.pending()).as("every migration on the classpath applied").isEmpty();
        assertThat(migrations.current().getVersion()).isEqualTo(migrations.all()[migrations.all().length - 1].getVersion());
    }
}
