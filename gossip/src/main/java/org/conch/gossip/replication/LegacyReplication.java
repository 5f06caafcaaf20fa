package org.conch.gossip.replication;

import org.conch.feed.FeedId;
import org.conch.feed.Message;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replication with a peer that has no EBT, as ssb-replicate's legacy code does it: one live
 * {@code createHistoryStream({id, seq: local + 1, live: true, keys: false})} per feed of the replication
 * set, its messages validated and stored through the connection's {@link IngestPipeline}. A feed whose
 * stream brings an invalid message, a fork or a message of another feed has its stream aborted.
 * Streams open and close as the replication set changes. Connection thread only.
 */
final class LegacyReplication implements IngestPipeline.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyReplication.class);

    private final PeerReplication peer;
    private final Map<FeedId, FeedStream> streams = new HashMap<>();
    private boolean stopped;

    /** One feed's history stream from the peer. */
    private final class FeedStream implements StreamListener {
        final FeedId feed;
        final FeedProgress progress;
        Substream stream;
        boolean ended;

        FeedStream(FeedId feed) {
            this.feed = feed;
            this.progress = peer.progress(feed);
        }

        @Override
        public void onItem(Substream s, Object item) {
            if (ended) {
                return;
            }
            Object value = item;
            if (value instanceof Map<?, ?> kvt && kvt.get("value") instanceof Map<?, ?> inner && kvt.containsKey("key")) {
                value = inner; // a peer that ignored keys: false
            }
            if (!(value instanceof Map<?, ?> map) || !(map.get("sequence") instanceof Double sequence)
                    || !(map.get("author") instanceof String author)) {
                peer.ingest.stop(feed);
                rejected(feed, 0, "the stream sent something that is not a message");
                return;
            }
            if (!author.equals(feed.toString())) {
                peer.ingest.stop(feed);
                rejected(feed, sequence.longValue(), "the stream of " + feed + " sent a message of " + author);
                return;
            }
            progress.remote(sequence.longValue());
            peer.ingest.offer(feed, sequence.longValue(), value, s, LegacyReplication.this);
        }

        @Override
        public void onEnd(Substream s, GossipException error) {
            ended = true;
            progress.receiving = false;
            streams.remove(feed, this);
            if (error != null && !peer.isClosed()) {
                LOG.atDebug().addKeyValue("peer", peer.peerName()).addKeyValue("feed", feed).addKeyValue("reason", error.getMessage())
                        .log("history stream of {} from {} ended: {}", feed, peer.peerName(), error.getMessage());
            }
        }
    }

    LegacyReplication(PeerReplication peer) {
        this.peer = peer;
    }

    void start() {
        replicationSetChanged();
    }

    /** Opens streams for the feeds now replicated, aborts those no longer replicated. */
    void replicationSetChanged() {
        if (stopped) {
            return;
        }
        for (FeedId feed : peer.replicationSet()) {
            if (!streams.containsKey(feed) && !peer.ingest.isStopped(feed) && !peer.blocksPeer(feed)) {
                open(feed);
            }
        }
        for (FeedStream stream : new ArrayList<>(streams.values())) {
            if (!peer.replicationSet().contains(stream.feed) || peer.blocksPeer(stream.feed)) {
                abort(stream);
            }
        }
    }

    private void open(FeedId feed) {
        FeedStream feedStream = new FeedStream(feed);
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("id", feed.toString());
        options.put("seq", (double) (peer.service().localSequence(feed) + 1));
        options.put("live", true);
        options.put("keys", false);
        streams.put(feed, feedStream);
        feedStream.progress.receiving = true;
        try {
            feedStream.stream = peer.session().source("createHistoryStream", List.of(options), feedStream);
        } catch (GossipException e) {
            streams.remove(feed);
            LOG.atDebug().addKeyValue("peer", peer.peerName()).addKeyValue("feed", feed).addKeyValue("reason", e.getMessage())
                    .log("createHistoryStream of {} to {} not sent: {}", feed, peer.peerName(), e.getMessage());
        }
    }

    private void abort(FeedStream feedStream) {
        streams.remove(feedStream.feed, feedStream);
        feedStream.ended = true;
        feedStream.progress.receiving = false;
        if (feedStream.stream != null) {
            feedStream.stream.abort();
        }
    }

    @Override
    public void stored(Message message) {
        peer.countReceived(peer.progress(message.author()));
    }

    @Override
    public void rejected(FeedId feed, long sequence, String reason) {
        peer.feedRejected(feed, sequence, reason);
        FeedStream feedStream = streams.get(feed);
        if (feedStream != null) {
            abort(feedStream);
        }
    }

    void stop() {
        stopped = true;
        for (FeedStream stream : new ArrayList<>(streams.values())) {
            abort(stream);
        }
    }
}
