package org.conch.feed.privatebox;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.MessageId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Publishing privately: content with recps is boxed for them and the author; replies inherit their thread's recipients. */
class PrivateThreadsTest {
    private static final Identity ME = Identity.generate();
    private static final Identity BOB = Identity.generate();
    private static final MessageId ROOT = MessageId.of(new byte[32]);

    @Test
    void contentWithRecpsIsBoxedForThemAndTheAuthorWhoIsAddedToRecps() {
        Object sealed = PrivateContent.sealIfPrivate(Map.of("type", "post", "text", "hi", "recps", List.of(BOB.id().toString())),
                ME.id(), root -> Optional.empty());

        assertThat(sealed).asString().endsWith(".box");
        for (Identity reader : List.of(ME, BOB)) {
            assertThat(PrivateContent.unbox((String) sealed, reader)).hasValueSatisfying(content ->
                    assertThat(((Map<?, ?>) content).get("recps")).isEqualTo(List.of(BOB.id().toString(), ME.id().toString())));
        }
    }

    @Test
    void aReplyInAPrivateThreadInheritsItsRecipientsAndOtherContentStaysPublic() {
        Map<String, Object> reply = Map.of("type", "post", "text", "re", "root", ROOT.toString());

        Object sealed = PrivateContent.sealIfPrivate(reply, ME.id(), root -> root.equals(ROOT) ? Optional.of(List.of(BOB.id(), ME.id())) : Optional.empty());
        Object publicReply = PrivateContent.sealIfPrivate(reply, ME.id(), root -> Optional.empty());

        assertThat(PrivateContent.unbox((String) sealed, BOB)).hasValueSatisfying(content ->
                assertThat(PrivateThreads.recipients((Map<?, ?>) content)).containsExactly(BOB.id(), ME.id()));
        assertThat(publicReply).isSameAs(reply);
    }

    @Test
    void recpsThatAreNoFeedsOrTooManyAreRefusedByName() {
        List<String> seven = IntStream.range(0, 7).mapToObj(i -> Identity.generate().id().toString()).toList();
        assertThatThrownBy(() -> PrivateThreads.recipientsToPublish(Map.of("recps", seven), ME.id()))
                .isInstanceOf(PrivateBoxException.class).hasMessageContaining("at most 7");
        assertThatThrownBy(() -> PrivateThreads.recipientsToPublish(Map.of("recps", List.of("%nope")), ME.id()))
                .isInstanceOf(PrivateBoxException.class).hasMessageContaining("feed ids");
        assertThatThrownBy(() -> PrivateThreads.recipientsToPublish(Map.of("recps", List.of()), ME.id()))
                .isInstanceOf(PrivateBoxException.class);
        assertThat(PrivateThreads.recipientsToPublish(Map.of("recps", List.of(Map.of("link", BOB.id().toString()), ME.id().toString())), ME.id()))
                .containsExactly(BOB.id(), ME.id());
    }

    @Test
    void aMessageWithoutARootStartsItsOwnConversation() {
        MessageId self = MessageId.of(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        assertThat(PrivateThreads.root(self, Map.of("type", "post"))).isEqualTo(self);
        assertThat(PrivateThreads.root(self, Map.of("root", ROOT.toString()))).isEqualTo(ROOT);
        assertThat(PrivateThreads.recipients(Map.of("recps", List.of(BOB.id().toString(), "%group")))).containsExactly(BOB.id());
        assertThat(FeedId.tryParse("%group")).isEmpty();
    }
}
