package org.conch.gossip.replication;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.store.StoredMessage;
import org.conch.gossip.muxrpc.Caller;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.Substream;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The createHistoryStream a conch node serves, called by a bare muxrpc client. */
class HistoryStreamTest {
    @RegisterExtension
    static final WorkerPool workers = new WorkerPool();
    private final Identity client = Node.identity(40);
    private final Identity carol = Node.identity(41);
    private Node server;
    private Wire wire;
    private PeerReplication attached;
    private List<Message> carolsFeed;

    @BeforeEach
    void setUp() {
        server = Node.create("server", 42, workers);
        server.follow(carol.id());
        carolsFeed = server.posts(carol, 10, "carol ");
        wire = new Wire("client", new MethodRegistry(), Caller.anonymous(server.id().toString()),
                "server", server.registry, Caller.anonymous(client.id().toString()));
        wire.b.run(() -> attached = server.service.attach(wire.b.session, wire.b.thread, false));
    }

    @AfterEach
    void tearDown() {
        attached.close();
        wire.close();
        server.close();
    }

    /** Waits until the server has nothing in progress and nothing is on its way: what has not arrived was not sent. */
    private void awaitQuiet() {
        wire.awaitQuiet(() -> true, () -> attached.idle());
    }

    private Collector call(Object... args) {
        Collector collector = new Collector();
        wire.a.run(() -> wire.a.session.source("createHistoryStream", List.of(args), collector));
        return collector;
    }

    private static Map<String, Object> options(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private List<Double> sequences(List<Object> items) {
        List<Double> sequences = new ArrayList<>();
        for (Object item : items) {
            Map<?, ?> map = (Map<?, ?>) item;
            Map<?, ?> value = map.containsKey("value") ? (Map<?, ?>) map.get("value") : map;
            sequences.add((Double) value.get("sequence"));
        }
        return sequences;
    }

    @Test
    void oldMessagesAsKvtFromAnInclusiveSequence() {
        Collector collector = call(options("id", carol.id().toString(), "seq", 4.0));
        collector.awaitEnd();
        assertThat(collector.error).isNull();
        assertThat(sequences(collector.items)).containsExactly(4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
        Map<?, ?> first = (Map<?, ?>) collector.items.get(0);
        StoredMessage stored = server.stored(carol.id()).get(3);
        assertThat(new ArrayList<Object>(first.keySet())).containsExactly("key", "value", "timestamp");
        assertThat(first.get("key")).isEqualTo(stored.message().key().toString());
        assertThat(first.get("value")).isEqualTo(carolsFeed.get(3).value());
        assertThat(first.get("timestamp")).isEqualTo(stored.receivedAt());
    }

    @Test
    void keysFalseGivesBareValuesAndValuesFalseGivesKeys() {
        Collector values = call(options("id", carol.id().toString(), "keys", false, "limit", 3.0));
        values.awaitEnd();
        assertThat(values.items).containsExactly(carolsFeed.get(0).value(), carolsFeed.get(1).value(),
                carolsFeed.get(2).value());

        Collector keys = call(options("id", carol.id().toString(), "values", false, "sequence", 9.0, "seq", 2.0));
        keys.awaitEnd();
        // `sequence` wins over `seq`, as in ssb-db
        assertThat(keys.items).containsExactly(carolsFeed.get(8).key().toString(), carolsFeed.get(9).key().toString());
    }

    @Test
    void legacyPositionalArguments() {
        Collector collector = call(carol.id().toString(), 9.0);
        collector.awaitEnd();
        assertThat(sequences(collector.items)).containsExactly(9.0, 10.0);
    }

    @Test
    void seqZeroAndUnknownFeedsEndCleanly() {
        Collector all = call(options("id", carol.id().toString(), "seq", 0.0));
        all.awaitEnd();
        assertThat(all.items).hasSize(10);
        Collector none = call(options("id", Node.identity(99).id().toString()));
        none.awaitEnd();
        assertThat(none.items).isEmpty();
        assertThat(none.error).isNull();
        Collector past = call(options("id", carol.id().toString(), "seq", 11.0));
        past.awaitEnd();
        assertThat(past.items).isEmpty();
    }

    @Test
    void badArgumentsEndTheStreamWithAnError() {
        Collector collector = call(options("id", "not a feed"));
        collector.awaitEnd();
        assertThat(collector.error).isNotNull();
        assertThat(collector.error.getMessage()).contains("not a feed id");
    }

    @Test
    void liveStreamsKeepGoingAndOldFalseSkipsHistory() {
        Collector live = call(options("id", carol.id().toString(), "seq", 9.0, "live", true, "keys", false));
        Collector onlyNew = call(options("id", carol.id().toString(), "live", true, "old", false, "keys", false));
        live.awaitItems(2);
        // the server serves calls in order: once a later call ended, onlyNew is open (old: false counts from then)
        Collector barrier = call(options("id", carol.id().toString(), "limit", 1.0));
        barrier.awaitEnd();
        Message eleven = server.post(carol, "carol 10");
        Message twelve = server.post(carol, "carol 11");
        live.awaitItems(4);
        onlyNew.awaitItems(2);
        assertThat(sequences(live.items)).containsExactly(9.0, 10.0, 11.0, 12.0);
        assertThat(onlyNew.items).containsExactly(eleven.value(), twelve.value());
        awaitQuiet();
        assertThat(live.ended).as("a live stream, caught up").isFalse();
        assertThat(onlyNew.ended).isFalse();

        // a live stream with a limit ends once it has written that many
        Substream[] stream = new Substream[1];
        Collector limited = new Collector();
        wire.a.run(() -> stream[0] = wire.a.session.source("createHistoryStream",
                List.of(options("id", carol.id().toString(), "seq", 12.0, "live", true, "limit", 2.0)), limited));
        limited.awaitItems(1);
        server.post(carol, "carol 12");
        limited.awaitEnd();
        assertThat(sequences(limited.items)).containsExactly(12.0, 13.0);
    }

    @Test
    void aRequesterBlockedByTheOwnerGetsAnEndedStream() {
        server.contact(carol, client.id(), null, true);
        Collector collector = call(options("id", carol.id().toString(), "live", true));
        collector.awaitEnd();
        assertThat(collector.items).isEmpty();
        assertThat(collector.error).isNull();
        // other feeds are still served
        Collector own = call(options("id", server.id().toString()));
        own.awaitEnd();
        assertThat(own.items).hasSize(1);
    }

    @Test
    void aLiveStreamStopsBeforeTheOwnersBlockOfTheRequester() {
        Collector live = call(options("id", carol.id().toString(), "seq", 10.0, "live", true, "keys", false));
        live.awaitItems(1);
        server.post(carol, "still visible");
        server.contact(carol, client.id(), null, true);
        server.post(carol, "after the block");
        live.awaitEnd();
        assertThat(sequences(live.items)).containsExactly(10.0, 11.0);
    }

    @Test
    void backpressureWaitsForTheDrain() {
        server.posts(carol, 600, "more ");
        wire.b.queueFull = true;
        Collector collector = call(options("id", carol.id().toString(), "keys", false));
        // nothing is written while the server's queue is full
        Await.until("the request to be served", () -> server.service.peer(wire.b.session) != null);
        awaitQuiet();
        assertThat(collector.items).isEmpty();
        wire.b.drain();
        collector.awaitEnd();
        assertThat(collector.items).hasSize(610);
        assertThat(sequences(collector.items).get(609)).isEqualTo(610.0);
    }
}
