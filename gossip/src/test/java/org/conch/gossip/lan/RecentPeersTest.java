package org.conch.gossip.lan;

import org.conch.feed.FeedId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentPeersTest {
    private static final FeedId A = key(1);
    private static final FeedId B = key(2);
    private static final FeedId C = key(3);

    @Test
    void aPeerIsReportedOncePerWindow() {
        RecentPeers recent = new RecentPeers(30_000, 10);

        assertThat(recent.report(A, 1_000)).isTrue();
        assertThat(recent.report(A, 3_000)).isFalse();
        assertThat(recent.report(B, 3_000)).isTrue();
        assertThat(recent.report(A, 30_999)).isFalse();
        assertThat(recent.report(A, 31_000)).isTrue();
        assertThat(recent.report(A, 32_000)).isFalse();
    }

    @Test
    void expiringForgetsOnlyPeersPastTheirWindow() {
        RecentPeers recent = aAtZeroAndBAtTenSeconds(10);

        recent.expire(30_000);

        assertThat(recent.size()).isEqualTo(1);
        assertThat(recent.report(B, 30_000)).isFalse();
    }

    @Test
    void pastCapacityNewPeersWaitUntilOldOnesExpire() {
        RecentPeers recent = aAtZeroAndBAtTenSeconds(2);

        assertThat(recent.report(C, 20_000)).isFalse();
        assertThat(recent.report(C, 30_000)).isTrue();
        assertThat(recent.size()).isEqualTo(2);
    }

    /** A 30-second window that reported A at 0 ms and B at 10,000 ms. */
    private static RecentPeers aAtZeroAndBAtTenSeconds(int capacity) {
        RecentPeers recent = new RecentPeers(30_000, capacity);
        assertThat(recent.report(A, 0)).isTrue();
        assertThat(recent.report(B, 10_000)).isTrue();
        return recent;
    }

    private static FeedId key(int fill) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) fill);
        return FeedId.of(bytes);
    }
}
