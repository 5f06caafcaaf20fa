package org.conch.gossip.replication;

import org.conch.feed.FeedId;
import org.conch.feed.Message;
import org.conch.feed.store.StoredMessage;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code ebt.replicate} duplex (EBT version 3, classic format; protocol.md §5.2), from either side.
 *
 * <p>The side that was called sends its notes (vector clock) first; the caller sends its own when the
 * first notes arrive. Notes cover the feeds of the replication set that do not block the peer, each
 * at the local sequence and asking to receive ({@code rx}). For each feed the peer asks to receive and
 * we hold more of, bare message values go out in order from its sequence + 1: paged from the store,
 * one page at a time, round robin over such feeds, pausing while the transport's queue is full; then
 * each new message as it is stored. Messages the peer sends for feeds we asked for go through the
 * connection's {@link IngestPipeline}; a feed whose message is invalid or forks is stopped with this
 * peer (note -1, its further messages dropped) and logged once. Messages of feeds we did not ask for are
 * dropped; the first of them is logged. When the replication set or a block
 * changes, partial notes are sent for the feeds concerned. Feeds the peer notes that are not ours to
 * share are answered with -1, as ssb-ebt does. Request skipping (remembering the peer's clock across
 * connections) is not done: every connection starts with full notes.
 *
 * <p>Connection thread only.
 */
final class EbtSession implements StreamListener, IngestPipeline.Owner {
    private static final Logger LOG = LoggerFactory.getLogger(EbtSession.class);
    private static final long NO_NOTE = Long.MIN_VALUE;

    /** Replication state of one feed with this peer. */
    private static final class Rep {
        final FeedId feed;
        final FeedProgress progress;
        /** The last note we sent for this feed (encoded), NO_NOTE before any. */
        long ourNote = NO_NOTE;
        /** We asked the peer to send this feed. */
        boolean weReceive;
        /** What the peer last said it holds: -1 not replicating (or unknown). */
        long peerSeq = -1;
        /** The peer asked us to send this feed. */
        boolean peerReceives;
        /** The highest sequence the peer has, or we sent it. */
        long sent = -1;
        /** Waiting in (or being served from) the send queue. */
        boolean queued;
        /** Stopped for an invalid message or a fork. */
        boolean stopped;

        Rep(FeedId feed, FeedProgress progress) {
            this.feed = feed;
            this.progress = progress;
        }
    }

    private final PeerReplication peer;
    private final boolean client;
    private final Map<FeedId, Rep> reps = new HashMap<>();
    private Substream stream;
    private boolean started;
    private boolean receivedAnything;
    private boolean unaskedLogged;
    private boolean closed;
    private Map<String, Object> pendingNotes = new LinkedHashMap<>();
    private boolean flushScheduled;

    private final ArrayDeque<Rep> sendQueue = new ArrayDeque<>();
    private boolean reading;
    private boolean waitingDrain;
    private List<StoredMessage> page;
    private int pageIndex;
    private Rep pageRep;

    EbtSession(PeerReplication peer, boolean client) {
        this.peer = peer;
        this.client = client;
    }

    boolean isClient() {
        return client;
    }

    /** True once the peer sent anything on the stream (so a later error is not "EBT unsupported"). */
    boolean receivedAnything() {
        return receivedAnything;
    }

    void attach(Substream stream) {
        this.stream = stream;
    }

    /**
     * Nothing in progress: no page being read or written, no feed waiting to be sent, no notes waiting to
     * go out; waiting for the transport to drain counts as idle (only the peer can end it).
     */
    boolean idle() {
        return closed || !reading && !flushScheduled && (waitingDrain || page == null && sendQueue.isEmpty());
    }

    /** The called side: send our notes now. */
    void start() {
        if (closed || started) {
            return;
        }
        started = true;
        queueInitialNotes();
        flushNotes(true);
    }

    private Rep rep(FeedId feed) {
        return reps.computeIfAbsent(feed, f -> new Rep(f, peer.progress(f)));
    }

    private long local(FeedId feed) {
        return peer.service().localSequence(feed);
    }

    private void queueInitialNotes() {
        for (FeedId feed : peer.replicationSet()) {
            if (peer.shares(feed)) {
                Rep rep = rep(feed);
                rep.progress.receiving = true;
                note(rep, local(feed), true);
            }
        }
    }

    // ------------------------------------------------------------------ notes out

    /** Queues our note for a feed (seq < 0: do not replicate); repeats of the last note are not sent. */
    private void note(Rep rep, long sequence, boolean receive) {
        long value = sequence < 0 ? VectorClock.DO_NOT_REPLICATE : VectorClock.encode(sequence, receive);
        if (rep.ourNote == value) {
            return;
        }
        rep.ourNote = value;
        rep.weReceive = value >= 0 && receive;
        pendingNotes.put(rep.feed.toString(), VectorClock.wire(value));
        if (!flushScheduled) {
            flushScheduled = true;
            peer.context().execute(() -> {
                flushScheduled = false;
                flushNotes(false);
            });
        }
    }

    private void flushNotes(boolean evenIfEmpty) {
        if (closed || !started || stream == null) {
            return;
        }
        if (pendingNotes.isEmpty() && !evenIfEmpty) {
            return;
        }
        Map<String, Object> notes = pendingNotes;
        pendingNotes = new LinkedHashMap<>();
        stream.write(notes);
    }

    // ------------------------------------------------------------------ the peer's half

    @Override
    public void onItem(Substream s, Object item) {
        if (closed || !(item instanceof Map<?, ?> map)) {
            return;
        }
        receivedAnything = true;
        if (isMessage(map)) {
            onMessage(map);
        } else {
            onNotes(map);
        }
    }

    /** ssb-ebt classic isMsg: a positive integer sequence, a feed author, some content. */
    private static boolean isMessage(Map<?, ?> map) {
        Object sequence = map.get("sequence");
        Object content = map.get("content");
        return sequence instanceof Double d && d > 0 && d == Math.rint(d)
                && map.get("author") instanceof String author && FeedId.tryParse(author).isPresent()
                && content != null && !Boolean.FALSE.equals(content) && !"".equals(content);
    }

    private void onNotes(Map<?, ?> notes) {
        boolean first = false;
        if (!started) {
            // the caller's turn comes with the first notes of the called side
            started = true;
            first = true;
            queueInitialNotes();
        }
        VectorClock.parse(notes).forEach(this::onNote);
        flushNotes(first);
        pump();
    }

    private void onNote(FeedId feed, VectorClock.Note note) {
        Rep rep = rep(feed);
        if (!note.replicate()) {
            rep.peerSeq = -1;
            rep.peerReceives = false;
            rep.progress.sending = false;
            return;
        }
        rep.peerSeq = note.sequence();
        rep.progress.remote(note.sequence());
        if (rep.stopped) {
            return;
        }
        rep.peerReceives = note.receive();
        if (!peer.shares(feed)) {
            note(rep, -1, false);
            return;
        }
        if (rep.ourNote == NO_NOTE) {
            rep.progress.receiving = true;
            note(rep, local(feed), true);
        }
        long local = local(feed);
        rep.progress.sending = note.receive();
        if (note.receive()) {
            rep.sent = note.sequence();
            if (local > rep.sent) {
                enqueue(rep);
            }
        } else if (local > note.sequence()) {
            note(rep, local, rep.weReceive); // tell them we are ahead; they may ask for it
        }
    }

    private void onMessage(Map<?, ?> value) {
        FeedId author = FeedId.parse((String) value.get("author"));
        long sequence = ((Double) value.get("sequence")).longValue();
        Rep rep = reps.get(author);
        if (rep == null || rep.stopped || !rep.weReceive || !peer.shares(author)) {
            // not asked for: ignored, as epidemic-broadcast-trees does (a stopped feed was logged already)
            if ((rep == null || !rep.stopped) && !unaskedLogged) {
                unaskedLogged = true;
                LOG.atInfo().addKeyValue("peer", peer.peerName()).addKeyValue("feed", author).addKeyValue("seq", sequence)
                        .log("peer {} sent {}:{}, a feed we did not ask it for; ignored, as are any later such messages "
                                + "on this EBT stream (logged once)", peer.peerName(), author, sequence);
            }
            return;
        }
        if (sequence > rep.peerSeq) {
            rep.peerSeq = sequence;
        }
        if (sequence > rep.sent) {
            rep.sent = sequence;
        }
        rep.progress.remote(sequence);
        peer.ingest.offer(author, sequence, value, stream, this);
    }

    @Override
    public void stored(Message message) {
        Rep rep = reps.get(message.author());
        peer.countReceived(rep != null ? rep.progress : peer.progress(message.author()));
    }

    @Override
    public void rejected(FeedId feed, long sequence, String reason) {
        Rep rep = rep(feed);
        rep.stopped = true;
        rep.peerReceives = false;
        rep.progress.receiving = false;
        rep.progress.sending = false;
        peer.feedRejected(feed, sequence, reason);
        if (!closed) {
            note(rep, -1, false);
        }
    }

    @Override
    public void onEnd(Substream s, GossipException error) {
        close();
        peer.ebtEnded(this, error);
    }

    // ------------------------------------------------------------------ local changes

    /** A message was stored here (from any source). */
    void localAppend(StoredMessage stored) {
        if (closed || !started) {
            return;
        }
        Message message = stored.message();
        Rep rep = reps.get(message.author());
        if (rep == null || rep.stopped || !peer.shares(message.author())) {
            return;
        }
        long sequence = message.sequence();
        if (rep.peerReceives) {
            if (rep.sent == sequence - 1 && !rep.queued && !waitingDrain && !stream.writeQueueFull()) {
                send(rep, message);
            } else if (rep.sent < sequence) {
                enqueue(rep);
            }
        } else if (rep.peerSeq >= 0 && sequence > rep.peerSeq) {
            note(rep, sequence, rep.weReceive);
        }
    }

    /** The replication set or a block changed: partial notes for the feeds concerned. */
    void replicationSetChanged() {
        if (closed || !started) {
            return;
        }
        for (FeedId feed : peer.replicationSet()) {
            if (!peer.shares(feed)) {
                continue;
            }
            Rep rep = rep(feed);
            if (rep.stopped || (rep.ourNote != NO_NOTE && rep.ourNote != VectorClock.DO_NOT_REPLICATE)) {
                continue;
            }
            rep.progress.receiving = true;
            note(rep, local(feed), true);
            if (rep.peerReceives && rep.peerSeq >= 0) {
                // the peer asked for it before we shared it: serve what it asked for
                rep.progress.sending = true;
                rep.sent = rep.peerSeq;
                if (local(feed) > rep.sent) {
                    enqueue(rep);
                }
            }
        }
        for (Rep rep : reps.values()) {
            if (rep.ourNote != NO_NOTE && rep.ourNote != VectorClock.DO_NOT_REPLICATE && !peer.shares(rep.feed)) {
                note(rep, -1, false);
                rep.progress.receiving = false;
            }
        }
        pump();
    }

    // ------------------------------------------------------------------ sending history

    private void enqueue(Rep rep) {
        if (!rep.queued) {
            rep.queued = true;
            sendQueue.add(rep);
        }
        pump();
    }

    private boolean sendable(Rep rep) {
        return rep.peerReceives && !rep.stopped && peer.shares(rep.feed);
    }

    private void send(Rep rep, Message message) {
        stream.writeJson(message.compactUtf8());
        rep.sent = message.sequence();
        peer.countSent(rep.progress);
    }

    private void pump() {
        while (!closed && started && !reading && !waitingDrain) {
            if (page != null) {
                if (!writePage()) {
                    return;
                }
                continue;
            }
            Rep rep = sendQueue.poll();
            if (rep == null) {
                return;
            }
            if (!sendable(rep) || rep.sent >= local(rep.feed)) {
                rep.queued = false;
                continue;
            }
            read(rep);
            return;
        }
    }

    /** Writes the buffered page; false when waiting for a drain. */
    private boolean writePage() {
        Rep rep = pageRep;
        while (pageIndex < page.size()) {
            if (!sendable(rep)) {
                break;
            }
            if (stream.writeQueueFull()) {
                waitingDrain = true;
                stream.drainHandler(() -> {
                    waitingDrain = false;
                    pump();
                });
                return false;
            }
            Message message = page.get(pageIndex++).message();
            if (message.sequence() <= rep.sent) {
                continue;
            }
            if (message.sequence() != rep.sent + 1) {
                break; // the peer's position moved: read again from it
            }
            send(rep, message);
        }
        page = null;
        pageRep = null;
        if (sendable(rep) && rep.sent < local(rep.feed)) {
            sendQueue.add(rep); // round robin: to the back of the queue, still queued
        } else {
            rep.queued = false;
        }
        return true;
    }

    private void read(Rep rep) {
        reading = true;
        long from = rep.sent + 1;
        FeedId feed = rep.feed;
        CompletableFuture.supplyAsync(() -> {
            List<StoredMessage> rows = new ArrayList<>(ReplicationConfig.SEND_PAGE_SIZE);
            peer.service().store().forEachInFeed(feed, from, ReplicationConfig.SEND_PAGE_SIZE, rows::add);
            return rows;
        }, peer.service().config().storeExecutor()).whenComplete((rows, error) -> peer.context().execute(() -> {
            reading = false;
            if (closed) {
                return;
            }
            if (error != null) {
                LOG.atError().addKeyValue("peer", peer.peerName()).addKeyValue("feed", feed).addKeyValue("seq", from)
                        .addKeyValue("reason", error.toString())
                        .log("reading {} to send to {} failed: {}", feed, peer.peerName(), error.toString());
                rep.queued = false;
            } else if (rows.isEmpty()) {
                rep.queued = false;
            } else {
                page = rows;
                pageIndex = 0;
                pageRep = rep;
            }
            pump();
        }));
    }

    /** Stops this session (stream ended, or the connection closed). */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        sendQueue.clear();
        page = null;
        pendingNotes.clear();
        if (stream != null && !stream.isLocalEnded()) {
            stream.end();
        }
    }
}
