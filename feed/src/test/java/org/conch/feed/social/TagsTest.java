package org.conch.feed.social;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which {@code #words} of a post's text are tags: at its start, after a space or an opening bracket, in any script. */
class TagsTest {
    @Test
    void aTagStartsTheTextOrFollowsASpaceOrBracketAndEndsAtTheFirstOtherCharacter() {
        assertThat(Tags.of(Map.of("text", "#First, then (#second) [#third] and\n#Fourth-one #fifth_2 #海港 #¹")))
                .containsExactly("first", "second", "third", "fourth-one", "fifth_2", "海港", "¹");
        assertThat(Tags.of(Map.of("text", "a#b https://example.org/#fragment ## # #!bang"))).isEmpty();
        assertThat(Tags.of(Map.of("text", "#" + "x".repeat(101) + " #ok"))).containsExactly("ok");
        assertThat(Tags.of(Map.of("channel", "Garden", "mentions", List.of(Map.of("link", "#Seeds")), "text", "#garden")))
                .containsExactly("garden", "seeds");
    }
}
