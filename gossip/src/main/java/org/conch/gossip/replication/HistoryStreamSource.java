package org.conch.gossip.replication;

import org.conch.feed.FeedId;
import org.conch.feed.Message;
import org.conch.feed.store.StoredMessage;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one {@code createHistoryStream} call: pages the feed from the store (never the whole feed in
 * memory), writes while the transport takes it and waits for a drain when it is full, then, if live,
 * writes each new message of the feed as it is stored.
 *
 * <p>Ends at once when the feed's owner blocks the requester; a live stream also ends before the
 * owner's contact message that blocks the requester (ssb-replicate's {@code pull.take}).
 * Connection thread only.
 */
final class HistoryStreamSource implements StreamListener {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryStreamSource.class);

    private final PeerReplication peer;
    private final Substream stream;
    private final HistoryStreamArgs args;
    private long next;
    private long remaining;
    private boolean reading;
    private boolean waitingDrain;
    private boolean caughtUp;
    private boolean registered;
    private boolean closed;
    private List<StoredMessage> page;
    private int pageIndex;

    HistoryStreamSource(PeerReplication peer, Substream stream, HistoryStreamArgs args) {
        this.peer = peer;
        this.stream = stream;
        this.args = args;
        this.remaining = args.limit();
    }

    FeedId feed() {
        return args.id();
    }

    void start() {
        if (peer.blocksPeer(args.id())) {
            finish();
            return;
        }
        long latest = peer.service().localSequence(args.id());
        next = args.old() ? Math.max(1, args.sequence()) : Math.max(args.sequence(), latest + 1);
        if (args.live()) {
            peer.registerLive(this);
            registered = true;
        }
        pump();
    }

    private void pump() {
        while (!closed && !reading && !waitingDrain) {
            if (page != null) {
                if (!writePage()) {
                    return;
                }
                continue;
            }
            if (remaining == 0) {
                finish();
                return;
            }
            if (next <= peer.service().localSequence(args.id())) {
                read();
                return;
            }
            if (!args.live()) {
                finish();
                return;
            }
            caughtUp = true;
            return;
        }
    }

    /** Writes the buffered page; false when it has to wait (drain) or the stream finished. */
    private boolean writePage() {
        while (pageIndex < page.size()) {
            if (remaining == 0) {
                page = null;
                finish();
                return false;
            }
            if (stream.writeQueueFull()) {
                awaitDrain();
                return false;
            }
            StoredMessage stored = page.get(pageIndex++);
            long sequence = stored.message().sequence();
            if (sequence < next) {
                continue;
            }
            if (sequence > next) {
                break; // read again from next
            }
            if (!write(stored)) {
                page = null;
                return false;
            }
        }
        page = null;
        return true;
    }

    private void read() {
        reading = true;
        long from = next;
        long count = remaining < 0 ? ReplicationConfig.SEND_PAGE_SIZE : Math.min(remaining, ReplicationConfig.SEND_PAGE_SIZE);
        CompletableFuture.supplyAsync(() -> {
            List<StoredMessage> rows = new ArrayList<>((int) count);
            peer.service().store().forEachInFeed(args.id(), from, count, rows::add);
            return rows;
        }, peer.service().config().storeExecutor()).whenComplete((rows, error) -> peer.context().execute(() -> {
            reading = false;
            if (closed) {
                return;
            }
            if (error != null) {
                LOG.atError().addKeyValue("peer", peer.peerName()).addKeyValue("feed", args.id()).addKeyValue("seq", from)
                        .addKeyValue("reason", error.toString())
                        .log("reading {} for {} failed: {}", args.id(), peer.peerName(), error.toString());
                stream.error("cannot read the feed: " + error.getMessage());
                close();
                return;
            }
            if (rows.isEmpty()) {
                // the clock said there is more, the store had none: wait for live appends
                if (!args.live()) {
                    finish();
                    return;
                }
                caughtUp = true;
                return;
            }
            page = rows;
            pageIndex = 0;
            pump();
        }));
    }

    private void awaitDrain() {
        waitingDrain = true;
        stream.drainHandler(() -> {
            waitingDrain = false;
            pump();
        });
    }

    /** Writes one message; false when the stream ended instead (a block of the requester). */
    private boolean write(StoredMessage stored) {
        Message message = stored.message();
        if (blocksRequester(message)) {
            finish();
            return false;
        }
        // the stored JSON goes out as it is: no parse, no re-encoding
        if (!args.keys()) {
            stream.writeJson(message.compactUtf8());
        } else if (!args.values()) {
            stream.write(message.key().toString());
        } else {
            stream.writeJson(message.toKvtJson(stored.receivedAt()).getBytes(StandardCharsets.UTF_8));
        }
        next = message.sequence() + 1;
        if (remaining > 0) {
            remaining--;
        }
        peer.countSent(peer.progress(args.id()));
        return true;
    }

    private boolean blocksRequester(Message message) {
        FeedId requester = peer.peerId();
        if (requester == null || !"contact".equals(message.type())
                || !(message.content() instanceof Map<?, ?> content)) {
            return false;
        }
        boolean blocking = isTrue(content.get("blocking")) || isTrue(content.get("flagged"));
        return blocking && requester.toString().equals(content.get("contact"));
    }

    private static boolean isTrue(Object value) {
        return value != null && !Boolean.FALSE.equals(value) && !(value instanceof Double d && (d == 0 || d.isNaN()))
                && !"".equals(value);
    }

    /** A message of this feed was stored. */
    void localAppend(StoredMessage stored) {
        if (closed) {
            return;
        }
        long sequence = stored.message().sequence();
        if (sequence < next) {
            return;
        }
        if (caughtUp && sequence == next && page == null && !reading && !waitingDrain && !stream.writeQueueFull()) {
            write(stored);
            if (remaining == 0) {
                finish();
            }
            return;
        }
        caughtUp = false;
        pump();
    }

    private void finish() {
        if (!closed) {
            stream.end();
            close();
        }
    }

    /**
     * Nothing in progress: no page being read, none waiting to be written; waiting for the transport to drain
     * counts as idle (only the peer can end it), and so does a live stream waiting for appends.
     */
    boolean idle() {
        return closed || !reading && (waitingDrain || page == null);
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        page = null;
        peer.ended(this);
        if (registered) {
            peer.unregisterLive(this);
            registered = false;
        }
    }

    // ---- the requester's half: it writes nothing; its end (or abort) stops us

    @Override
    public void onItem(Substream s, Object item) {
        // a source: the caller has nothing to say
    }

    @Override
    public void onEnd(Substream s, GossipException error) {
        close();
    }
}
