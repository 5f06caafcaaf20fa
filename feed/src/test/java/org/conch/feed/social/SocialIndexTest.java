package org.conch.feed.social;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.SignCap;
import org.conch.feed.social.SocialIndex.Activity;
import org.conch.feed.social.SocialIndex.ActivityKind;
import org.conch.feed.social.SocialIndex.KeyPage;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The social index over a real store: likes, replies, tags, search, contacts and the local identity's activity. */
class SocialIndexTest {
    private static final Identity ALICE = Identity.generate();
    private static final Identity BOB = Identity.generate();
    private static final Identity CAROL = Identity.generate();

    private H2FeedStore store;
    private SocialIndex index;
    private LiveSocialIndex live;

    @BeforeEach
    void open() {
        store = H2FeedStore.open(StoreOptions.inMemoryStore());
        index = new SocialIndex(ALICE.id());
        live = LiveSocialIndex.start(index, store, Runnable::run);
    }

    @AfterEach
    void close() throws Exception {
        live.close();
        store.close();
    }

    @Test
    void likesAreCountedOncePerFeedAndALaterVoteReplacesTheEarlierOne() {
        Message post = publish(ALICE, post("a garden"));
        publish(BOB, vote(post.key(), 1, "❤️"));
        publish(CAROL, vote(post.key(), 1, null));
        publish(BOB, vote(post.key(), 1, "👍"));
        assertThat(index.votes(post.key()).count()).isEqualTo(2);
        assertThat(index.votes(post.key()).expressions()).containsExactlyInAnyOrderEntriesOf(Map.of("Like", 1, "👍", 1));
        assertThat(index.voters(post.key())).extracting(SocialIndex.Voter::feed).containsExactly(CAROL.id(), BOB.id());

        publish(BOB, vote(post.key(), 0, "Unlike"));
        assertThat(index.votes(post.key()).count()).isEqualTo(1);
        assertThat(index.votes(post.key()).mine()).isFalse();
        publish(ALICE, vote(post.key(), 1, "Like"));
        assertThat(index.votes(post.key()).mine()).isTrue();
        assertThat(index.votes(MessageId.of(new byte[32])).count()).isZero();
    }

    @Test
    void aThreadCountsItsRepliesAndKnowsTheNewest() {
        Message root = publish(ALICE, post("root"));
        publish(BOB, reply(root.key(), "first"));
        Message second = publish(CAROL, reply(root.key(), "second"));
        assertThat(index.replies(root.key())).isEqualTo(new SocialIndex.Replies(2, second.key(), CAROL.id()));
        assertThat(index.replies(second.key()).count()).isZero();
    }

    @Test
    void tagsComeFromTheChannelTheMentionsAndTheTextAndSearchFindsEveryWordNewestFirst() {
        Message channel = publish(BOB, Map.of("type", "post", "text", "seeds today", "channel", "Gardening"));
        Message mention = publish(CAROL, Map.of("type", "post", "text", "seeds and soil",
                "mentions", List.of(Map.of("link", "#gardening"))));
        Message inText = publish(BOB, post("More #gardening: seeds, soil (and worms)"));
        publish(BOB, post("see https://example.org/#gardening seeds"));

        assertThat(index.tagged("#GARDENING", SocialIndex.FIRST_PAGE, 10).keys())
                .containsExactly(inText.key(), mention.key(), channel.key());
        assertThat(index.search("Soil SEEDS", SocialIndex.FIRST_PAGE, 10).keys()).containsExactly(inText.key(), mention.key());
        assertThat(index.search("seeds #gardening", SocialIndex.FIRST_PAGE, 10).keys()).hasSize(3);
        assertThat(index.search("tulips", SocialIndex.FIRST_PAGE, 10).keys()).isEmpty();
        assertThat(index.search("   ", SocialIndex.FIRST_PAGE, 10).keys()).isEmpty();
    }

    @Test
    void aPostIsFoundOnceByAWordItRepeatsAndByTheWordsOfItsContentWarning() {
        Message repeated = publish(BOB, Map.of("type", "post", "text", "Rain, rain and RAIN", "contentWarning", "rain spoilers"));
        Message other = publish(CAROL, post("no weather here"));

        assertThat(index.search("rain", SocialIndex.FIRST_PAGE, 10).keys()).containsExactly(repeated.key());
        assertThat(index.search("spoilers", SocialIndex.FIRST_PAGE, 10).keys()).containsExactly(repeated.key());
        assertThat(index.search("spoilers rain", SocialIndex.FIRST_PAGE, 10).keys()).containsExactly(repeated.key());
        assertThat(index.search("weather", SocialIndex.FIRST_PAGE, 10).keys()).containsExactly(other.key());
    }

    @Test
    void searchPagesNeitherOverlapNorSkip() {
        List<MessageId> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            expected.add(0, publish(BOB, post("compost number " + i)).key());
            publish(CAROL, post("something else " + i));
        }
        List<MessageId> seen = new ArrayList<>();
        int before = SocialIndex.FIRST_PAGE;
        int pages = 0;
        do {
            KeyPage page = index.search("compost", before, 3);
            seen.addAll(page.keys());
            before = page.next();
            pages++;
        } while (before >= 0);
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void activityHoldsRepliesInMyThreadsMentionsLikesOfMyPostsAndNewFollowersNewestFirst() {
        Message mine = publish(ALICE, post("my thread"));
        Message othersRoot = publish(BOB, post("bob's thread"));
        Message reply = publish(BOB, reply(mine.key(), "a reply to alice"));
        publish(CAROL, reply(othersRoot.key(), "not alice's thread"));
        Message mention = publish(CAROL, Map.of("type", "post", "text", "hi [@alice](" + ALICE.id() + ")",
                "mentions", List.of(Map.of("link", ALICE.id().toString(), "name", "alice"))));
        Message like = publish(CAROL, vote(mine.key(), 1, "❤️"));
        publish(CAROL, vote(othersRoot.key(), 1, "❤️"));
        Message follow = publish(BOB, Map.of("type", "contact", "contact", ALICE.id().toString(), "following", true));
        publish(BOB, Map.of("type", "contact", "contact", ALICE.id().toString(), "following", true)); // again: not new
        publish(ALICE, reply(mine.key(), "my own reply"));
        publish(ALICE, vote(mine.key(), 1, "Like"));

        List<Activity> items = index.activity(SocialIndex.FIRST_PAGE, 10).items();
        assertThat(items).extracting(Activity::kind)
                .containsExactly(ActivityKind.FOLLOW, ActivityKind.VOTE, ActivityKind.MENTION, ActivityKind.REPLY);
        assertThat(items).extracting(Activity::key).containsExactly(follow.key(), like.key(), mention.key(), reply.key());
        assertThat(index.activity(SocialIndex.FIRST_PAGE, 3).next()).isEqualTo(1);
        assertThat(index.activity(1, 3).items()).extracting(Activity::key).containsExactly(reply.key());
        assertThat(index.activitySince(2)).isEqualTo(2);
        assertThat(index.activitySince(0)).isEqualTo(4);
    }

    @Test
    void followersFollowingNamesAndSubscriptionsFollowTheLatestMessages() {
        publish(BOB, Map.of("type", "contact", "contact", ALICE.id().toString(), "following", true));
        publish(CAROL, Map.of("type", "contact", "contact", ALICE.id().toString(), "following", true));
        publish(CAROL, Map.of("type", "contact", "contact", ALICE.id().toString(), "blocking", true));
        publish(ALICE, Map.of("type", "contact", "contact", BOB.id().toString(), "following", true));
        publish(BOB, Map.of("type", "about", "about", BOB.id().toString(), "name", "Bob Gardener"));
        publish(CAROL, Map.of("type", "about", "about", BOB.id().toString(), "name", "not his own"));
        publish(ALICE, Map.of("type", "channel", "channel", "#Gardening", "subscribed", true));
        publish(ALICE, Map.of("type", "channel", "channel", "cats", "subscribed", true));
        publish(ALICE, Map.of("type", "channel", "channel", "cats", "subscribed", false));
        publish(BOB, Map.of("type", "channel", "channel", "dogs", "subscribed", true));

        assertThat(index.followers(ALICE.id())).containsExactly(BOB.id());
        assertThat(index.following(ALICE.id())).containsExactly(BOB.id());
        assertThat(index.following(CAROL.id())).isEmpty();
        assertThat(index.feedsNamed("garden", 10)).containsExactly(BOB.id());
        assertThat(index.feedsNamed("his own", 10)).isEmpty();
        assertThat(index.subscriptions()).containsExactly("gardening");
    }

    @Test
    void subscribedTagsGivePostsNewestFirstByLogPositionOnceEachAndOneMoreThanAPage() {
        Message cats = publish(BOB, post("a #cat"));
        Message both = publish(CAROL, post("#cats and #gardening"));
        publish(BOB, post("#dogs only"));
        Message garden = publish(CAROL, Map.of("type", "post", "text", "beans", "channel", "gardening"));
        assertThat(index.subscribedPosts(Long.MAX_VALUE, 10)).isEmpty();

        publish(ALICE, Map.of("type", "channel", "channel", "gardening", "subscribed", true));
        publish(ALICE, Map.of("type", "channel", "channel", "cats", "subscribed", true));
        publish(ALICE, Map.of("type", "channel", "channel", "cat", "subscribed", false));
        List<SocialIndex.Post> all = index.subscribedPosts(Long.MAX_VALUE, 10);
        assertThat(all).extracting(SocialIndex.Post::key).containsExactly(garden.key(), both.key());
        assertThat(all).extracting(SocialIndex.Post::logSequence).containsExactly(4L, 2L);
        assertThat(index.subscribedPosts(4, 10)).extracting(SocialIndex.Post::key).containsExactly(both.key());
        assertThat(index.subscribedPosts(Long.MAX_VALUE, 1)).hasSize(2); // one more: the caller knows a next page exists

        assertThat(index.isInSubscribedTag(both)).isTrue();
        assertThat(index.isInSubscribedTag(cats)).isFalse();
        publish(ALICE, Map.of("type", "channel", "channel", "#Gardening", "subscribed", false));
        assertThat(index.subscribedPosts(Long.MAX_VALUE, 10)).extracting(SocialIndex.Post::key).containsExactly(both.key());
    }

    @Test
    void messagesStoredBeforeTheIndexStartedAreReadFromTheLogAndNoneTwice() throws Exception {
        live.close();
        Message root = publish(ALICE, post("before #early"));
        publish(BOB, reply(root.key(), "also before"));
        SocialIndex later = new SocialIndex(ALICE.id());
        try (LiveSocialIndex again = LiveSocialIndex.start(later, store, Runnable::run)) {
            publish(CAROL, reply(root.key(), "after"));
            assertThat(later.replies(root.key()).count()).isEqualTo(2);
            assertThat(later.tagged("early", SocialIndex.FIRST_PAGE, 10).keys()).containsExactly(root.key());
            assertThat(later.indexedThrough()).isEqualTo(store.messageCount());
            assertThat(again.index()).isSameAs(later);
        }
    }

    private Message publish(Identity author, Map<String, Object> content) {
        return store.publish(author, content, SignCap.NONE);
    }

    private static Map<String, Object> post(String text) {
        return Map.of("type", "post", "text", text);
    }

    private static Map<String, Object> reply(MessageId root, String text) {
        return Map.of("type", "post", "text", text, "root", root.toString(), "branch", root.toString());
    }

    private static Map<String, Object> vote(MessageId link, int value, String expression) {
        Map<String, Object> vote = new LinkedHashMap<>();
        vote.put("link", link.toString());
        vote.put("value", value);
        if (expression != null) vote.put("expression", expression);
        return Map.of("type", "vote", "vote", vote);
    }
}
