package org.conch.gossip.muxrpc;

import org.conch.gossip.GossipException;

import java.util.ArrayDeque;

/**
 * One stream of a connection, seen from this side: a half we write (items, then one end) and a half the
 * other side writes, read through a {@link StreamListener}. The stream closes, and leaves the
 * connection's table, once both halves have ended. An end from the other side is answered with our own
 * end unless we already sent one, so neither side ever sees two ends.
 *
 * <p>Reading can be paused: items that arrive meanwhile wait in order (with the end, if it came) and
 * the transport is asked to stop reading the connection until every paused stream resumes.
 *
 * <p>Not thread-safe: use it on the connection's thread only, like the {@link RpcSession}.
 */
public final class Substream {
    private final RpcSession session;
    private final int request;
    private final boolean outgoing;
    private final String method;
    private final CallType type;
    private StreamListener listener;

    private boolean localEnded;
    private boolean endReceived;
    private boolean remoteEnded;
    private boolean closed;
    private boolean aborted;
    private boolean paused;
    private boolean delivering;
    private ArrayDeque<Object> queue;
    private boolean endQueued;
    private GossipException queuedEnd;

    Substream(RpcSession session, int request, boolean outgoing, String method, CallType type) {
        this.session = session;
        this.request = request;
        this.outgoing = outgoing;
        this.method = method;
        this.type = type;
    }

    /** The request number of the call (positive; the one who called counts it). */
    public int request() {
        return request;
    }

    /** True when this side made the call. */
    public boolean isOutgoing() {
        return outgoing;
    }

    /** The dotted method name. */
    public String method() {
        return method;
    }

    public CallType type() {
        return type;
    }

    public RpcSession session() {
        return session;
    }

    /** We sent our end (or the connection closed). */
    public boolean isLocalEnded() {
        return localEnded;
    }

    /** The other side's end has been delivered (or the connection closed). */
    public boolean isRemoteEnded() {
        return remoteEnded;
    }

    /** Both halves ended: the stream is gone from the connection. */
    public boolean isClosed() {
        return closed;
    }

    public boolean isPaused() {
        return paused;
    }

    private int wireRequest() {
        return outgoing ? request : -request;
    }

    /**
     * Sends one item (JSON value, String or byte[]); an empty byte[] carries nothing and is skipped.
     *
     * @return false when our half already ended (e.g. the other side aborted), so the item was dropped
     */
    public boolean write(Object item) {
        if (localEnded) {
            return false;
        }
        if (item instanceof byte[] bytes && bytes.length == 0) {
            return true;
        }
        session.send(Packet.of(true, false, wireRequest(), item));
        return true;
    }

    /**
     * Writes one item that is already compact JSON in UTF-8 (a stored message as it is), sparing a
     * parse and a re-encoding; false if our half has ended.
     */
    public boolean writeJson(byte[] compactUtf8) {
        if (localEnded) {
            return false;
        }
        session.send(new Packet(true, false, BodyType.JSON, wireRequest(), compactUtf8));
        return true;
    }

    /** Ends our half normally (body {@code true}); false if it had already ended. */
    public boolean end() {
        return endWith(Boolean.TRUE);
    }

    /** Ends our half with an error object {@code {message, name:"Error", stack}}. */
    public boolean error(String message) {
        return endWith(RemoteCallException.errorBody(message));
    }

    public boolean error(Throwable cause) {
        return error(RpcSession.messageOf(cause));
    }

    private boolean endWith(Object body) {
        if (localEnded) {
            return false;
        }
        localEnded = true;
        session.send(Packet.json(true, true, wireRequest(), body));
        maybeClose();
        return true;
    }

    /**
     * Stops the stream from this side: ends our half (if still open) and drops the other side's items
     * from now on. The listener still gets {@code onEnd} once the other side answers.
     */
    public void abort() {
        aborted = true;
        if (queue != null) {
            queue.clear();
        }
        end();
        resume(); // nothing more will be read; a held end is delivered now
    }

    /** True while the transport cannot take more: wait for {@link #drainHandler}. */
    public boolean writeQueueFull() {
        return session.writeQueueFull();
    }

    /** Runs {@code handler} once, at the transport's next drain, if the stream is still open then. */
    public Substream drainHandler(Runnable handler) {
        session.onDrain(() -> {
            if (!localEnded) {
                handler.run();
            }
        });
        return this;
    }

    /** Holds the other side's items (and end) until {@link #resume()}. */
    public void pause() {
        if (!paused && !closed) {
            paused = true;
            session.streamPaused();
        }
    }

    /** Delivers what waited, in order, and lets reading go on. */
    public void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        session.streamResumed();
        pump();
    }

    // ---- called by the session ----

    void listener(StreamListener listener) {
        this.listener = listener == null ? StreamListener.IGNORE : listener;
        pump();
    }

    void onData(Object item) {
        if (endReceived || aborted) {
            return;
        }
        if (!paused && !delivering && listener != null && (queue == null || queue.isEmpty())) {
            deliver(item);
            if ((queue != null && !queue.isEmpty()) || endQueued) {
                pump(); // what arrived re-entrantly while the listener ran
            }
            return;
        }
        if (queue == null) {
            queue = new ArrayDeque<>();
        }
        queue.add(item);
        pump();
    }

    void onRemoteEnd(GossipException error) {
        if (endReceived) {
            return;
        }
        endReceived = true;
        endQueued = true;
        queuedEnd = error;
        pump();
    }

    /** The other side answered with a non-stream error: its half is over and it expects no end from us. */
    void onRemoteFailure(GossipException error) {
        localEnded = true;
        onRemoteEnd(error);
    }

    /** The connection went away: no packets any more, the listener learns why. */
    void connectionClosed(GossipException cause) {
        if (closed) {
            return;
        }
        closed = true;
        localEnded = true;
        if (queue != null) {
            queue.clear();
        }
        if (!remoteEnded) {
            remoteEnded = true;
            endReceived = true;
            notifyEnd(cause);
        }
    }

    private void pump() {
        if (delivering) {
            return;
        }
        delivering = true;
        try {
            while (!paused && listener != null && queue != null && !queue.isEmpty()) {
                Object item = queue.poll();
                if (!aborted) {
                    deliver(item);
                }
            }
            if (!paused && listener != null && endQueued && (queue == null || queue.isEmpty())) {
                endQueued = false;
                GossipException error = queuedEnd;
                queuedEnd = null;
                deliverEnd(error);
            }
        } finally {
            delivering = false;
        }
    }

    private void deliver(Object item) {
        boolean wasDelivering = delivering;
        delivering = true;
        try {
            listener.onItem(this, item);
        } catch (RuntimeException e) {
            session.handlerFailed(e);
            aborted = true;
            if (queue != null) {
                queue.clear();
            }
            error(e);
        } finally {
            delivering = wasDelivering;
        }
    }

    private void deliverEnd(GossipException error) {
        remoteEnded = true;
        notifyEnd(error);
        if (!localEnded) {
            end(); // the answer to the other side's end
        }
        maybeClose();
    }

    private void notifyEnd(GossipException error) {
        if (listener == null) {
            return;
        }
        try {
            listener.onEnd(this, error);
        } catch (RuntimeException e) {
            session.handlerFailed(e);
            if (!localEnded) {
                error(e);
            }
        }
    }

    private void maybeClose() {
        if (localEnded && remoteEnded && !closed) {
            closed = true;
            if (paused) {
                paused = false;
                session.streamResumed();
            }
            session.removeStream(this);
        }
    }

    @Override
    public String toString() {
        return "Substream[" + (outgoing ? "out " : "in ") + request + " " + type.wireName() + " " + method
                + (localEnded ? " local-ended" : "") + (remoteEnded ? " remote-ended" : "") + "]";
    }
}
