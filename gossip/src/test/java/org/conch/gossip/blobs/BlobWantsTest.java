package org.conch.gossip.blobs;

import org.conch.feed.BlobId;
import org.conch.gossip.blobs.BlobWants.Decisions;
import org.conch.gossip.blobs.BlobWants.Fetch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The want/have rules of ssb-blobs' createWants, without a network. */
class BlobWantsTest {
    private static final BlobId X = id(1);
    private static final BlobId Y = id(2);
    private static final long MAX = 1000;

    private final Map<BlobId, Long> stored = new HashMap<>();
    private BlobWants wants;

    @BeforeEach
    void setUp() {
        wants = new BlobWants(MAX, BlobWants.DEFAULT_SYMPATHY, id -> stored.getOrDefault(id, -1L));
        wants.connected("alice");
        wants.connected("bob");
    }

    @Test
    void theFirstItemIsTheFullWantMapEvenWhenEmpty() {
        assertThat(wants.streamOpened("alice")).isEmpty();
        wants.want(X);
        assertThat(wants.streamOpened("bob")).isEqualTo(Map.of(X.toString(), -1.0));
    }

    @Test
    void aLocalWantGoesToEveryOpenStreamAndWaitsForTheOthers() {
        wants.streamOpened("alice");
        Decisions decisions = wants.want(X);
        assertThat(decisions.send()).isEqualTo(Map.of("alice", Map.of(X.toString(), -1.0)));
        assertThat(decisions.fetches()).isEmpty();
        assertThat(wants.streamOpened("bob")).as("bob opens later and still hears of it").isEqualTo(Map.of(X.toString(), -1.0));
    }

    @Test
    void aWantForABlobHeldHereIsAnsweredWithItsSizeOnThatPeersStream() {
        stored.put(X, 42L);
        wants.streamOpened("alice");
        wants.streamOpened("bob");
        Decisions decisions = wants.received("alice", item(X, -1));
        assertThat(decisions.send()).isEqualTo(Map.of("alice", Map.of(X.toString(), 42.0)));
        assertThat(wants.isWanted(X)).isFalse();
    }

    @Test
    void aWantForAMissingBlobIsForwardedOneHopFurtherUpToTheSympathy() {
        wants.streamOpened("alice");
        wants.streamOpened("bob");
        Decisions decisions = wants.received("alice", item(X, -1));
        assertThat(decisions.send()).containsEntry("bob", Map.of(X.toString(), -2.0));
        assertThat(wants.wantMap()).isEqualTo(Map.of(X.toString(), -2.0));
        assertThat(wants.received("bob", item(Y, -3)).send()).as("-4 is beyond 3 hops: not adopted").isEmpty();
        assertThat(wants.received("bob", item(X, -2)).send()).as("a farther want changes nothing").isEmpty();
        assertThat(wants.want(X).send().get("bob")).as("our own want is closer: sent again").isEqualTo(Map.of(X.toString(), -1.0));
    }

    @Test
    void aHaveForAWantedBlobStartsOneFetchAndAFailureTriesTheNextPeer() {
        wants.want(X);
        assertThat(wants.received("alice", item(X, 10)).fetches()).containsExactly(new Fetch("alice", X, 10));
        assertThat(wants.received("bob", item(X, 10)).fetches()).as("one fetch at a time").isEmpty();
        assertThat(wants.fetchFailed("alice", X).fetches()).containsExactly(new Fetch("bob", X, 10));
        assertThat(wants.disconnected("bob").fetches()).as("alice failed already, nobody else has it").isEmpty();
        assertThat(wants.offers(X)).isEmpty();
    }

    @Test
    void aBlobOverTheLimitIsNeverFetchedButItsOfferIsKnown() {
        wants.want(X);
        assertThat(wants.received("alice", item(X, MAX + 1)).fetches()).isEmpty();
        assertThat(wants.offers(X)).isEqualTo(Map.of("alice", MAX + 1));
    }

    @Test
    void aHaveThatCameFirstIsUsedWhenTheWantComes() {
        wants.received("alice", item(X, 10));
        assertThat(wants.want(X).fetches()).containsExactly(new Fetch("alice", X, 10));
    }

    @Test
    void aStoredBlobIsNoLongerWantedAndIsAnnouncedToEveryPeer() {
        wants.streamOpened("alice");
        wants.streamOpened("bob");
        wants.want(X);
        Decisions decisions = wants.added(X, 7);
        assertThat(decisions.send()).isEqualTo(Map.of("alice", Map.of(X.toString(), 7.0), "bob", Map.of(X.toString(), 7.0)));
        assertThat(wants.wantMap()).isEmpty();
    }

    @Test
    void atMostTheParallelLimitIsFetchedAtOnceAndTheRestFollowInTurn() {
        wants = new BlobWants(MAX, BlobWants.DEFAULT_SYMPATHY, 1, id -> stored.getOrDefault(id, -1L));
        wants.connected("alice");
        wants.want(X);
        wants.want(Y);
        Map<String, Object> both = new LinkedHashMap<>();
        both.put(X.toString(), 10.0);
        both.put(Y.toString(), 20.0);
        assertThat(wants.received("alice", both).fetches()).containsExactly(new Fetch("alice", X, 10));
        assertThat(wants.added(X, 10).fetches()).containsExactly(new Fetch("alice", Y, 20));
        assertThat(wants.fetchFailed("alice", Y).fetches()).as("nobody else has Y").isEmpty();
    }

    @Test
    void aFetchFromAPeerThatLeavesMovesToAnother() {
        wants.want(X);
        wants.received("alice", item(X, 10));
        wants.received("bob", item(X, 10));
        assertThat(wants.disconnected("alice").fetches()).containsExactly(new Fetch("bob", X, 10));
    }

    @Test
    void itemsThatAreNotWholeNumbersOrNotBlobIdsAreIgnored() {
        Map<String, Object> junk = new LinkedHashMap<>();
        junk.put(X.toString(), -1.5);
        junk.put("%notablob", -1.0);
        junk.put(Y.toString(), "many");
        assertThat(wants.received("alice", junk).isEmpty()).isTrue();
        assertThat(wants.received("alice", List.of(1, 2)).isEmpty()).isTrue();
        assertThat(wants.wantMap()).isEmpty();
    }

    @Test
    void askingHasOfMissingBlobsCountsAsWantingThem() {
        wants.streamOpened("bob");
        assertThat(wants.askedFor("alice", List.of(X)).send()).isEqualTo(Map.of("bob", Map.of(X.toString(), -2.0)));
    }

    private static Map<String, Object> item(BlobId id, double n) {
        return Map.of(id.toString(), n);
    }

    private static BlobId id(int n) {
        byte[] hash = new byte[32];
        hash[0] = (byte) n;
        return BlobId.of(hash);
    }
}
