package org.conch.server.invite;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.StoreOptions;
import org.conch.feed.store.StoredMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InviteRedeemerTest {
    @TempDir
    Path dir;

    private final Identity pub = Identity.generate();
    private final InviteStoreTest.MovableClock clock = new InviteStoreTest.MovableClock(Instant.parse("2026-11-21T12:00:00Z"));
    private final Set<FeedId> followed = ConcurrentHashMap.newKeySet();
    private H2FeedStore feeds;
    private InviteStore invites;
    private InviteRedeemer redeemer;

    @BeforeEach
    void open() {
        feeds = H2FeedStore.open(StoreOptions.inMemoryStore());
        invites = InviteStore.openInMemory(clock);
        redeemer = new InviteRedeemer(invites, pub.id(), followed::contains, this::publishAsPub);
    }

    @AfterEach
    void close() {
        invites.close();
        feeds.close();
    }

    private StoredMessage publishAsPub(Map<String, Object> content) {
        Message message = feeds.publish(pub, content, SignCap.NONE);
        followed.add(FeedId.parse((String) content.get("contact")));
        return feeds.get(message.key()).orElseThrow();
    }

    private static List<Object> feedArg(Object feed) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("feed", feed);
        return List.of(request);
    }

    @Test
    void aUsePublishesThePubsFollowAndAnswersWithIt() {
        FeedId key = invites.create(new InviteTerms(1, null, "hello from the pub")).invite().key();
        FeedId newcomer = Identity.generate().id();

        Map<String, Object> kvt = redeemer.use(key, feedArg(newcomer.toString()));

        Message published = feeds.get(org.conch.feed.MessageId.parse((String) kvt.get("key"))).orElseThrow().message();
        assertThat(published.author()).isEqualTo(pub.id());
        assertThat(kvt.get("value")).isEqualTo(published.value());
        assertThat(kvt.get("timestamp")).isInstanceOf(Double.class);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("type", "contact");
        expected.put("contact", newcomer.toString());
        expected.put("following", true);
        expected.put("pub", true);
        expected.put("note", "hello from the pub");
        assertThat(published.content()).isEqualTo(expected);
        assertThat(invites.status(key)).isEqualTo(InviteStatus.USED_UP);
    }

    @Test
    void eachRedemptionAndRefusalIsLoggedWithTheInviteAndTheFeed() {
        FeedId key = invites.create(InviteTerms.singleUse()).invite().key();
        FeedId newcomer = Identity.generate().id();
        FeedId late = Identity.generate().id();
        Logger logger = (Logger) LoggerFactory.getLogger(InviteRedeemer.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            redeemer.use(key, feedArg(newcomer.toString()));
            assertThatThrownBy(() -> redeemer.use(key, feedArg(late.toString()))).isInstanceOf(InviteRefusedException.class);
        } finally {
            logger.detachAppender(events);
            logger.setLevel(level);
        }

        assertThat(events.list).hasSize(2);
        assertThat(keyValues(events.list.get(0))).containsEntry("invite", key.toString()).containsEntry("feed", newcomer.toString());
        assertThat(events.list.get(0).getFormattedMessage()).contains("redeemed", newcomer.toString());
        assertThat(keyValues(events.list.get(1))).containsEntry("invite", key.toString()).containsEntry("feed", late.toString())
                .containsEntry("reason", "invite has expired");
        assertThat(events.list.get(1).getFormattedMessage()).contains("refused", late.toString());
    }

    private static Map<String, String> keyValues(ILoggingEvent event) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (KeyValuePair pair : event.getKeyValuePairs()) pairs.put(pair.key, String.valueOf(pair.value));
        return pairs;
    }

    @Test
    void refusalsUseTheTextsOfTheJsPub() {
        FeedId key = invites.create(new InviteTerms(2, Duration.ofMinutes(30), null)).invite().key();
        FeedId member = Identity.generate().id();
        redeemer.use(key, feedArg(member.toString()));

        assertRefused(key, feedArg(member.toString()), "already following");
        assertRefused(key, List.of(), "feed to follow is missing");
        assertRefused(key, List.of(new LinkedHashMap<>()), "feed to follow is missing");
        assertRefused(key, feedArg("@nonsense"), "feed to follow is not a feed id: @nonsense");
        assertRefused(key, feedArg(pub.id().toString()), "feed to follow is the pub itself");
        assertThat(invites.find(key).orElseThrow().usedCount()).as("bad requests count no use").isEqualTo(1);

        clock.advance(Duration.ofMinutes(30));
        assertRefused(key, feedArg(Identity.generate().id().toString()), "invite has expired");

        FeedId revoked = invites.create(InviteTerms.singleUse()).invite().key();
        invites.revoke(revoked);
        assertRefused(revoked, feedArg(Identity.generate().id().toString()), "invite has been revoked");

        FeedId once = invites.create(InviteTerms.singleUse()).invite().key();
        redeemer.use(once, feedArg(Identity.generate().id().toString()));
        assertRefused(once, feedArg(Identity.generate().id().toString()), "invite has expired");
    }

    @Test
    void parallelRedemptionsFollowExactlyAsManyFeedsAsTheInviteAllows() throws Exception {
        int uses = 50;
        FeedId key = invites.create(new InviteTerms(uses, null, null)).invite().key();
        ExecutorService first = Executors.newFixedThreadPool(4);
        ExecutorService second = Executors.newFixedThreadPool(4);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                String newcomer = Identity.generate().id().toString();
                results.add((i % 2 == 0 ? first : second).submit(() -> {
                    try {
                        redeemer.use(key, feedArg(newcomer));
                        return true;
                    } catch (InviteRefusedException e) {
                        assertThat(e).hasMessage("invite has expired");
                        return false;
                    }
                }));
            }
            long accepted = 0;
            for (Future<Boolean> result : results) {
                if (result.get(60, TimeUnit.SECONDS)) accepted++;
            }
            assertThat(accepted).isEqualTo(uses);
        } finally {
            first.shutdownNow();
            second.shutdownNow();
        }
        assertThat(feeds.state(pub.id()).orElseThrow().sequence()).as("one follow per counted use").isEqualTo(uses);
    }

    private void assertRefused(FeedId key, List<Object> args, String text) {
        assertThatThrownBy(() -> redeemer.use(key, args)).isInstanceOf(InviteRefusedException.class).hasMessage(text);
    }
}
