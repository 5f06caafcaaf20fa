package org.conch.server.api;

import org.conch.feed.BlobId;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.SignCap;
import org.conch.feed.blob.BlobStore;
import org.conch.feed.store.H2FeedStore;
import org.conch.gossip.replication.FollowGraph;
import org.conch.testing.H2StoreExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code conch blobs gc}: what replicated feeds refer to stays; blocked, unfollowed and unreferenced blobs go. */
@ExtendWith(H2StoreExtension.class)
class BlobCollectorTest {
    @TempDir
    Path dir;

    @Test
    void blobsOnlyBlockedOrUnfollowedFeedsReferToArePurgedWithTheUnreferenced(H2FeedStore store) {
        Identity self = Identity.generate();
        Identity friend = Identity.generate();
        Identity enemy = Identity.generate();
        Identity stranger = Identity.generate();
        BlobStore blobs = BlobStore.open(dir.resolve("blobs"), 1000, 10_000);
        BlobId friendsImage = blobs.add(bytes("friend's image"));
        BlobId enemysAvatar = blobs.add(bytes("enemy's avatar"));
        BlobId strangersImage = blobs.add(bytes("stranger's image"));
        BlobId ownAvatar = blobs.add(bytes("own avatar"));
        BlobId nobodys = blobs.add(bytes("nobody's"));
        store.publish(self, contact(friend.id(), "following"), SignCap.NONE);
        store.publish(self, contact(enemy.id(), "blocking"), SignCap.NONE);
        store.publish(friend, contact(enemy.id(), "following"), SignCap.NONE); // 2 hops away, but blocked
        store.publish(friend, post(friendsImage), SignCap.NONE);
        store.publish(enemy, about(enemy.id(), enemysAvatar.toString()), SignCap.NONE);
        store.publish(stranger, post(strangersImage), SignCap.NONE);
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("link", ownAvatar.toString());
        link.put("size", 10.0);
        store.publish(self, about(self.id(), link), SignCap.NONE);
        FollowGraph graph = new FollowGraph();
        graph.load(store);

        BlobCollector.Result result = BlobCollector.collect(store, graph.replicationSet(self.id(), 2), blobs);

        assertThat(result.removed()).isEqualTo(3);
        assertThat(result.kept()).isEqualTo(2);
        assertThat(result.freedBytes()).isEqualTo(bytes("enemy's avatar").length + bytes("stranger's image").length + bytes("nobody's").length);
        assertThat(blobs.ids()).containsExactlyInAnyOrder(friendsImage, ownAvatar);
        assertThat(blobs.has(enemysAvatar) || blobs.has(strangersImage) || blobs.has(nobodys)).isFalse();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> contact(FeedId feed, String relation) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "contact");
        content.put("contact", feed.toString());
        content.put(relation, true);
        return content;
    }

    private static Map<String, Object> post(BlobId image) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", "look");
        content.put("mentions", List.of(Map.of("link", image.toString(), "name", "image.png")));
        return content;
    }

    private static Map<String, Object> about(FeedId who, Object image) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "about");
        content.put("about", who.toString());
        content.put("image", image);
        return content;
    }
}
