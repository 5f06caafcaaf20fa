package org.conch.server.invite;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.store.H2FeedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class PubAnnouncementTest {
    @TempDir
    Path dir;

    private final Identity pub = Identity.generate();

    @Test
    void announcesOnceAndAgainOnlyWhenTheAddressOrNameChanges() {
        try (H2FeedStore store = H2FeedStore.open(dir, true)) {
            Consumer<Consumer<Message>> ownFeed = reader -> store.forEachInFeed(pub.id(), 1, 0, stored -> reader.accept(stored.message()));

            List<Map<String, Object>> first = PubAnnouncement.missing(pub.id(), "pub.example.org", 8008, "Example pub", ownFeed);
            assertThat(first).containsExactly(PubAnnouncement.pubContent("pub.example.org", 8008, pub.id()),
                    PubAnnouncement.aboutContent(pub.id(), "Example pub"));
            assertThat(first.get(0).toString()).contains("address={host=pub.example.org, port=8008.0, key=" + pub.id());
            store.publish(pub, first, SignCap.NONE);

            assertThat(PubAnnouncement.missing(pub.id(), "pub.example.org", 8008, "Example pub", ownFeed)).isEmpty();
            assertThat(PubAnnouncement.missing(pub.id(), "pub.example.org", 8008, null, ownFeed)).isEmpty();
            assertThat(PubAnnouncement.missing(pub.id(), "pub.example.org", 8009, "Example pub", ownFeed))
                    .containsExactly(PubAnnouncement.pubContent("pub.example.org", 8009, pub.id()));
            assertThat(PubAnnouncement.missing(pub.id(), "pub.example.org", 8008, "Renamed", ownFeed))
                    .containsExactly(PubAnnouncement.aboutContent(pub.id(), "Renamed"));
        }
    }
}
