package org.conch.server.invite;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

@SuppressWarnings("unchecked")
class PubMessagesTest {
    @TempDir
    Path dir;

    private final Identity pub = Identity.generate();

    @Test
    void announcesOnceAndAgainOnlyWhenTheAddressOrNameChanges() {
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore())) {
            Consumer<Consumer<Message>> ownFeed = reader -> store.forEachInFeed(pub.id(), 1, 0, stored -> reader.accept(stored.message()));

            List<Map<String, Object>> first = PubMessages.missing(pub.id(), "pub.example.org", 8008, "Example pub", ownFeed);
            assertThat(first).containsExactly(PubMessages.pubContent("pub.example.org", 8008, pub.id()),
                    PubMessages.aboutContent(pub.id(), "Example pub"));
            assertThat(first.get(0).toString()).contains("address={host=pub.example.org, port=8008.0, key=" + pub.id());
            store.publish(pub, first, SignCap.NONE);

            assertThat(PubMessages.missing(pub.id(), "pub.example.org", 8008, "Example pub", ownFeed)).isEmpty();
            assertThat(PubMessages.missing(pub.id(), "pub.example.org", 8008, null, ownFeed)).isEmpty();
            assertThat(PubMessages.missing(pub.id(), "pub.example.org", 8009, "Example pub", ownFeed))
                    .containsExactly(PubMessages.pubContent("pub.example.org", 8009, pub.id()));
            assertThat(PubMessages.missing(pub.id(), "pub.example.org", 8008, "Renamed", ownFeed))
                    .containsExactly(PubMessages.aboutContent(pub.id(), "Renamed"));
        }
    }

    @Test
    void joinedPubsAreTheOtherPubsTheOwnFeedAnnounced() {
        Identity member = Identity.generate();
        Identity first = Identity.generate();
        Identity second = Identity.generate();
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore())) {
            Map<String, Object> badPort = PubMessages.pubContent("pub.example.org", 8008, second.id());
            ((Map<String, Object>) badPort.get("address")).put("port", 8008.5);
            store.publish(member, List.of(
                    PubMessages.pubContent("first.example.org", 8008, first.id()),
                    Map.of("type", "post", "text", "hi"),
                    PubMessages.pubContent("home.example.org", 8008, member.id()),
                    badPort,
                    PubMessages.pubContent("second.example.org", 8009, second.id()),
                    PubMessages.pubContent("first.example.org", 8008, first.id())), SignCap.NONE);

            assertThat(PubMessages.joinedPubs(member.id(),
                    reader -> store.forEachInFeed(member.id(), 1, 0, stored -> reader.accept(stored.message()))))
                    .containsExactly(new MultiserverAddress("first.example.org", 8008, first.id()),
                            new MultiserverAddress("second.example.org", 8009, second.id()));
        }
    }
}
