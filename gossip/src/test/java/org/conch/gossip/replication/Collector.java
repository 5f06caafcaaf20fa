package org.conch.gossip.replication;

import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.conch.testing.Await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects what the other side writes on a stream; readable from the test thread. */
final class Collector implements StreamListener {
    final List<Object> items = new CopyOnWriteArrayList<>();
    volatile boolean ended;
    volatile GossipException error;

    @Override
    public void onItem(Substream stream, Object item) {
        items.add(item);
    }

    @Override
    public void onEnd(Substream stream, GossipException error) {
        this.error = error;
        ended = true;
    }

    void awaitEnd() {
        Await.until("the stream to end", () -> ended);
    }

    void awaitItems(int count) {
        Await.until(count + " items", () -> items.size() >= count);
    }
}
