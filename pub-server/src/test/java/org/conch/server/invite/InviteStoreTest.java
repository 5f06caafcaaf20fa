package org.conch.server.invite;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InviteStoreTest {
    private static final Instant START = Instant.parse("2026-11-21T12:00:00Z");

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(START);
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened) closeable.close();
    }

    private InviteStore fileStore() {
        InviteStore store = InviteStore.open(dir.resolve(InviteStore.DIRECTORY), clock);
        opened.add(store);
        return store;
    }

    @Test
    void createdInviteIsLiveAndItsSeedGivesItsKey() {
        InviteStore store = fileStore();
        CreatedInvite created = store.create(new InviteTerms(3, Duration.ofDays(7), "welcome"));

        assertThat(Identity.fromSeed(created.seed()).id()).isEqualTo(created.invite().key());
        assertThat(store.status(created.invite().key())).isEqualTo(InviteStatus.LIVE);
        assertThat(store.list()).singleElement().satisfies(invite -> {
            assertThat(invite.totalUses()).isEqualTo(3);
            assertThat(invite.usedCount()).isZero();
            assertThat(invite.expires()).isEqualTo(START.plus(Duration.ofDays(7)));
            assertThat(invite.note()).isEqualTo("welcome");
        });
        assertThat(dir.resolve("invites/invites.mv.db")).exists();
    }

    @Test
    void usesNeverExceedTheTotalUnderParallelRedemptions() throws Exception {
        InviteStore store = fileStore();
        int uses = 37;
        FeedId key = store.create(new InviteTerms(uses, null, null)).invite().key();
        ExecutorService first = Executors.newFixedThreadPool(8);
        ExecutorService second = Executors.newFixedThreadPool(8);
        try {
            List<Future<InviteStatus>> results = new ArrayList<>();
            Callable<InviteStatus> use = () -> store.use(key);
            for (int i = 0; i < 200; i++) {
                results.add((i % 2 == 0 ? first : second).submit(use));
            }
            int counted = 0;
            int refused = 0;
            for (Future<InviteStatus> result : results) {
                InviteStatus status = result.get(60, TimeUnit.SECONDS);
                if (status == InviteStatus.LIVE) counted++;
                else {
                    assertThat(status).isEqualTo(InviteStatus.USED_UP);
                    refused++;
                }
            }
            assertThat(counted).isEqualTo(uses);
            assertThat(refused).isEqualTo(200 - uses);
        } finally {
            first.shutdownNow();
            second.shutdownNow();
        }
        assertThat(store.find(key).orElseThrow().usedCount()).isEqualTo(uses);
        assertThat(store.status(key)).isEqualTo(InviteStatus.USED_UP);
    }

    @Test
    void expiredRevokedAndUnknownInvitesAreRefusedWithTheirReason() {
        InviteStore store = fileStore();
        FeedId expiring = store.create(new InviteTerms(5, Duration.ofHours(1), null)).invite().key();
        FeedId revoked = store.create(new InviteTerms(5, null, null)).invite().key();

        assertThat(store.use(expiring)).isEqualTo(InviteStatus.LIVE);
        clock.advance(Duration.ofHours(1));
        assertThat(store.use(expiring)).isEqualTo(InviteStatus.EXPIRED);
        assertThat(store.status(expiring)).isEqualTo(InviteStatus.EXPIRED);

        assertThat(store.revoke(revoked)).isTrue();
        assertThat(store.use(revoked)).isEqualTo(InviteStatus.REVOKED);
        assertThat(store.status(revoked)).isEqualTo(InviteStatus.REVOKED);

        FeedId stranger = Identity.generate().id();
        assertThat(store.use(stranger)).isEqualTo(InviteStatus.UNKNOWN);
        assertThat(store.revoke(stranger)).isFalse();
        assertThat(store.isInviteKey(stranger)).isFalse();
        assertThat(store.find(expiring).orElseThrow().usedCount()).isEqualTo(1);
        assertThat(store.find(revoked).orElseThrow().usedCount()).isZero();
    }

    @Test
    void invitesAndTheirUsesSurviveReopening() throws Exception {
        InviteStore store = fileStore();
        CreatedInvite twoUses = store.create(new InviteTerms(2, Duration.ofDays(1), "for the band"));
        CreatedInvite revoked = store.create(InviteTerms.singleUse());
        assertThat(store.use(twoUses.invite().key())).isEqualTo(InviteStatus.LIVE);
        store.revoke(revoked.invite().key());
        store.close();
        opened.remove(store);

        InviteStore reopened = fileStore();
        assertThat(reopened.list()).hasSize(2);
        Invite stored = reopened.find(twoUses.invite().key()).orElseThrow();
        assertThat(stored.usedCount()).isEqualTo(1);
        assertThat(stored.note()).isEqualTo("for the band");
        assertThat(stored.expires()).isEqualTo(START.plus(Duration.ofDays(1)));
        assertThat(reopened.status(revoked.invite().key())).isEqualTo(InviteStatus.REVOKED);
        assertThat(reopened.use(twoUses.invite().key())).isEqualTo(InviteStatus.LIVE);
        assertThat(reopened.use(twoUses.invite().key())).isEqualTo(InviteStatus.USED_UP);
    }

    @Test
    void theSeedIsNeverStored() throws Exception {
        InviteStore store = fileStore();
        CreatedInvite created = store.create(InviteTerms.singleUse());
        store.close();
        opened.remove(store);
        byte[] database = Files.readAllBytes(dir.resolve("invites/invites.mv.db"));
        assertThat(indexOf(database, created.seed())).isEqualTo(-1);
        assertThat(indexOf(database, created.invite().key().bytes())).isNotEqualTo(-1);
    }

    @Test
    void termsAreChecked() {
        assertThatThrownBy(() -> new InviteTerms(0, null, null)).hasMessageContaining("uses must be between 1 and");
        assertThatThrownBy(() -> new InviteTerms(1, null, "x".repeat(1001))).hasMessageContaining("note must be at most 1000");
        assertThat(InviteTerms.parseValidity("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(InviteTerms.parseValidity("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(InviteTerms.parseValidity("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThatThrownBy(() -> InviteTerms.parseValidity("7 days")).hasMessageContaining("expiry must be a number and d, h or m");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** A clock the test moves by hand, to expire invites without waiting. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
