package org.conch.gossip.net;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A room's {@code tunnel.connect} duplex stream as the byte pipe of a {@link PeerConnection}: each item the other
 * attendant sends (its share of the inner secret handshake and box-stream) is read as bytes, and each write goes out
 * as one binary item. The room relays items as they are and never sees the plaintext.
 *
 * <p>Give it to {@code session.duplex("tunnel.connect", …, tunnel)} as the listener and then {@link #attach} the stream
 * returned, or, answering a room's call, attach the stream the handler got and return the tunnel as the listener. The
 * stream's end is the pipe's close. Backpressure is the room connection's: a full write queue there is a full one
 * here, and pausing the tunnel holds its items. Used on the room connection's context only.
 */
public final class TunnelTransport implements Transport, StreamListener {
    private final String address;
    /** Runs the close handler after the turn that closed the tunnel, as a socket's runs. */
    private final Executor later;
    private Substream stream;
    private Handler<Buffer> handler;
    private Handler<Void> drainHandler;
    private Handler<Void> closeHandler;
    private Handler<Throwable> exceptionHandler;
    private boolean drainArmed;
    private boolean closed;

    /** {@code address} names the tunnel in logs and listings: {@code tunnel:@ROOM:@TARGET}. Call on the room connection's context. */
    public TunnelTransport(String address) {
        this(address, contextOf(Vertx.currentContext()));
    }

    TunnelTransport(String address, Executor later) {
        this.address = Objects.requireNonNull(address, "address");
        this.later = later;
    }

    private static Executor contextOf(Context context) {
        Objects.requireNonNull(context, "a tunnel is opened on its room connection's context");
        return task -> context.runOnContext(v -> task.run());
    }

    /** The {@code tunnel.connect} stream this tunnel reads and writes. */
    public TunnelTransport attach(Substream tunnelStream) {
        this.stream = Objects.requireNonNull(tunnelStream, "tunnelStream");
        return this;
    }

    // ------------------------------------------------------------------ the stream's side

    @Override
    public void onItem(Substream from, Object item) {
        byte[] bytes = item instanceof byte[] binary ? binary
                : item instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : null;
        if (bytes == null) {
            fail(new GossipException("the tunnel carried a JSON item, not bytes: " + item));
            return;
        }
        if (handler != null && !closed) {
            handler.handle(Buffer.buffer(bytes));
        }
    }

    @Override
    public void onEnd(Substream from, GossipException error) {
        if (error != null && exceptionHandler != null && !closed) {
            exceptionHandler.handle(error);
        }
        closed();
    }

    private void fail(GossipException error) {
        if (exceptionHandler != null) {
            exceptionHandler.handle(error);
        }
        close();
    }

    private void closed() {
        if (closed) {
            return;
        }
        closed = true;
        if (closeHandler != null) {
            closeHandler.handle(null);
        }
    }

    // ------------------------------------------------------------------ the connection's side

    @Override
    public void handler(Handler<Buffer> value) {
        this.handler = value;
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (!closed && stream != null) {
            stream.write(data.getBytes());
        }
        // handed to the room connection, whose own write queue and limits apply from here
        return Future.succeededFuture();
    }

    @Override
    public boolean writeQueueFull() {
        boolean full = stream != null && !closed && stream.writeQueueFull();
        if (full && !drainArmed) {
            // the stream's drain handler runs once; the connection expects one for every full queue
            drainArmed = true;
            stream.drainHandler(() -> {
                drainArmed = false;
                if (drainHandler != null) {
                    drainHandler.handle(null);
                }
            });
        }
        return full;
    }

    @Override
    public void drainHandler(Handler<Void> value) {
        this.drainHandler = value;
    }

    @Override
    public void pause() {
        if (stream != null) {
            stream.pause();
        }
    }

    @Override
    public void resume() {
        if (stream != null) {
            stream.resume();
        }
    }

    @Override
    public void closeHandler(Handler<Void> value) {
        this.closeHandler = value;
    }

    @Override
    public void exceptionHandler(Handler<Throwable> value) {
        this.exceptionHandler = value;
    }

    /** Ends our half after what was written; the pipe is closed once the other side's end answers it. */
    @Override
    public void end() {
        if (stream != null) {
            stream.end();
        }
    }

    /** Ends our half and stops reading; closed now, not when the other side answers. */
    @Override
    public void close() {
        if (stream != null) {
            stream.abort();
        }
        // like a socket's, the close handler runs after the caller's turn
        later.execute(this::closed);
    }

    @Override
    public String remoteHost() {
        return address;
    }

    @Override
    public int remotePort() {
        return 0;
    }

    @Override
    public String toString() {
        return address;
    }
}
