package org.conch.gossip.net;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.conch.feed.ref.MultiserverAddress;

/**
 * The byte pipe under a {@link PeerConnection}: a TCP socket, or a tunnel through a room ({@link TunnelTransport}).
 * The shape is the part of {@link NetSocket} a connection uses, so that the handshake, box-stream and muxrpc run the
 * same over either. Used on the connection's context only.
 */
interface Transport {
    /** Where incoming bytes go (null: drop them). */
    void handler(Handler<Buffer> handler);

    /** Queues {@code data}; completes once it has been handed on. */
    Future<Void> write(Buffer data);

    boolean writeQueueFull();

    void drainHandler(Handler<Void> handler);

    void pause();

    void resume();

    /** Runs once when the pipe is closed, by either side. */
    void closeHandler(Handler<Void> handler);

    void exceptionHandler(Handler<Throwable> handler);

    /** Closes after what was written (the clean end). */
    void end();

    /** Closes at once. */
    void close();

    /** The peer's host, as logs and the peers listing name it (for a tunnel its address, {@code tunnel:@ROOM:@TARGET}). */
    String remoteHost();

    /** The peer's port, 0 for a tunnel. */
    int remotePort();

    /** {@code host:port}, or the tunnel's address. */
    default String remoteAddress() {
        return remotePort() == 0 ? remoteHost() : MultiserverAddress.hostPort(remoteHost(), remotePort());
    }

    /** A TCP socket as a transport. */
    static Transport of(NetSocket socket) {
        SocketAddress address = socket.remoteAddress();
        String host = address == null ? "?" : address.hostAddress();
        int port = address == null ? 0 : address.port();
        return new Transport() {
            @Override
            public void handler(Handler<Buffer> handler) {
                socket.handler(handler);
            }

            @Override
            public Future<Void> write(Buffer data) {
                return socket.write(data);
            }

            @Override
            public boolean writeQueueFull() {
                return socket.writeQueueFull();
            }

            @Override
            public void drainHandler(Handler<Void> handler) {
                socket.drainHandler(handler);
            }

            @Override
            public void pause() {
                socket.pause();
            }

            @Override
            public void resume() {
                socket.resume();
            }

            @Override
            public void closeHandler(Handler<Void> handler) {
                socket.closeHandler(handler);
            }

            @Override
            public void exceptionHandler(Handler<Throwable> handler) {
                socket.exceptionHandler(handler);
            }

            @Override
            public void end() {
                socket.end();
            }

            @Override
            public void close() {
                socket.close();
            }

            @Override
            public String remoteHost() {
                return host;
            }

            @Override
            public int remotePort() {
                return port;
            }
        };
    }
}
