package org.conch.gossip.net;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.gossip.GossipException;
import org.conch.gossip.boxstream.BoxStreamDecoder;
import org.conch.gossip.boxstream.BoxStreamEncoder;
import org.conch.gossip.muxrpc.Caller;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.Packet;
import org.conch.gossip.muxrpc.PacketCodec;
import org.conch.gossip.muxrpc.PacketDecoder;
import org.conch.gossip.muxrpc.PacketSink;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.shs.ClientHandshake;
import org.conch.gossip.shs.HandshakeException;
import org.conch.gossip.shs.HandshakeResult;
import org.conch.gossip.shs.SecretHandshake;
import org.conch.gossip.shs.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One TCP connection to a peer, from accept/connect to close: the thin adapter between a Vert.x
 * TCP socket (or room tunnel, see {@link Transport}) and the protocol cores, holding all of the connection's state.
 *
 * <pre>
 *   handshake:  socket ─► RecordParser (fixed 64 / 112 / 80) ─► Client/ServerHandshake ─► socket
 *   after it:   socket ─► BoxStreamDecoder ─► PacketDecoder ─► RpcSession.receive
 *               RpcSession ─► PacketSink ─► PacketCodec ─► BoxStreamEncoder ─► socket
 * </pre>
 *
 * The box-stream decoder does its own framing (34-byte headers, then bodies) and takes reads of any
 * size, so after the handshake whole reads go to it; the bytes that arrive in the same read as the last
 * handshake message are handed on, not lost. Outgoing packets of one event-loop turn are coalesced into
 * one write (up to {@value #FLUSH_THRESHOLD} bytes, then written at once); backpressure goes both ways:
 * {@link PacketSink#writeQueueFull()} is the socket's, the socket's drain runs
 * {@link RpcSession#drained()}, and a paused stream pauses the socket. A peer that leaves more than
 * {@link GossipConfig#maxUnsentBytes()} of our writes untaken (asking without reading the answers) is cut.
 *
 * <p><b>Closing.</b> A clean close ({@link #close(String)}, or answering the peer's goodbye) does what
 * the JS peers do when muxrpc ends: the muxrpc goodbye (nine zero bytes, packet-stream-codec) inside the
 * box-stream, then the box-stream goodbye, then the TCP end. A goodbye from the peer (either kind) is
 * answered with ours and the connection closed. A protocol error ({@link GossipException} from any
 * layer) or a failed or late handshake closes the socket at once, without goodbye. Every end is logged
 * once, naming the peer: errors at INFO (handshake) or WARN (protocol), normal ends at DEBUG.
 *
 * <p><b>Threads.</b> Everything runs on the connection's Vert.x context; use {@link #session()} there
 * only (e.g. from handlers, from {@link #established()} callbacks, or via {@link #runOnContext}).
 * {@link #close(String)} may be called from any thread.
 */
public final class PeerConnection {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);

    /** Coalesced outgoing bytes are written at once from this size on. */
    static final int FLUSH_THRESHOLD = 16 * 1024;
    /** The first size of the send buffer; it grows as a turn needs. */
    private static final int INITIAL_BUFFER_SIZE = 1024;
    /** A send buffer larger than this is dropped at the end of a turn rather than kept by an idle connection. */
    private static final int RETAINED_BUFFER_SIZE = 4 * 1024;
    private static final int CLIENT_HANDSHAKE_BYTES_IN = SecretHandshake.SERVER_HELLO_SIZE + SecretHandshake.SERVER_ACCEPT_SIZE;
    private static final int SERVER_HANDSHAKE_BYTES_IN = SecretHandshake.CLIENT_HELLO_SIZE + SecretHandshake.CLIENT_AUTH_SIZE;

    /** What a connection needs from its node. */
    record Setup(Identity identity, byte[] networkKey, long handshakeTimeoutMillis, Predicate<FeedId> authorizer,
                 Function<PeerConnection, MethodRegistry> methods, Consumer<PeerConnection> onEstablished,
                 RpcSession.Options muxrpcOptions, int maxUnsentBytes) {
        Setup withAuthorizer(Predicate<FeedId> value) {
            return new Setup(identity, networkKey, handshakeTimeoutMillis, value, methods, onEstablished, muxrpcOptions,
                    maxUnsentBytes);
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final Transport socket;
    private final Setup setup;
    private final boolean client;
    private final String remoteHost;
    private final int remotePort;
    private final Promise<PeerConnection> established;
    private final Promise<CloseReason> closed;

    // ---- handshake
    private ClientHandshake clientHandshake;
    private ServerHandshake serverHandshake;
    private RecordParser parser;
    private long handshakeBytesIn;
    private HandshakeResult handshakeResult;
    private GossipException handshakeFailure;
    private long timer = -1;

    // ---- after the handshake
    private volatile FeedId remoteId;
    private BoxStreamEncoder encoder;
    private BoxStreamDecoder decoder;
    private PacketDecoder packets;
    private RpcSession session;
    private byte[] pending;
    private int pendingLength;
    private boolean flushScheduled;
    private boolean limitRefusalLogged;
    /** Bytes handed to the socket that it has not written out yet. */
    private long unsent;

    // ---- closing
    private volatile CloseReason reason;
    private boolean socketClosed;

    private PeerConnection(Vertx vertx, Transport socket, Setup setup, boolean client, FeedId remoteId) {
        this.vertx = vertx;
        this.context = Objects.requireNonNull(Vertx.currentContext(),
                "a peer connection is set up on its socket's context");
        this.socket = socket;
        this.setup = setup;
        this.client = client;
        this.remoteId = remoteId;
        this.remoteHost = socket.remoteHost();
        this.remotePort = socket.remotePort();
        this.established = Promise.promise();
        this.closed = Promise.promise();
    }

    /** The server side of a socket just accepted (or a tunnel a room opened to us). Call on the transport's context. */
    static PeerConnection accept(Vertx vertx, Transport socket, Setup setup) {
        PeerConnection connection = new PeerConnection(vertx, socket, setup, false, null);
        connection.serverHandshake = new ServerHandshake(setup.networkKey(), setup.identity(),
                key -> connection.authorize(FeedId.of(key)));
        connection.start(SecretHandshake.CLIENT_HELLO_SIZE, null);
        return connection;
    }

    /** The client side of a socket (or tunnel) we just opened, dialling the peer whose key is {@code remoteKey}. */
    static PeerConnection dial(Vertx vertx, Transport socket, Setup setup, FeedId remoteKey) {
        PeerConnection connection = new PeerConnection(vertx, socket, setup, true, remoteKey);
        connection.clientHandshake = new ClientHandshake(setup.networkKey(), setup.identity(), remoteKey.bytes());
        connection.start(SecretHandshake.SERVER_HELLO_SIZE, connection.clientHandshake.hello());
        return connection;
    }

    private void start(int firstMessageSize, byte[] hello) {
        socket.closeHandler(v -> onSocketClosed());
        socket.exceptionHandler(this::onSocketError);
        timer = vertx.setTimer(setup.handshakeTimeoutMillis(), id -> {
            timer = -1;
            terminate(new CloseReason(CloseReason.Kind.HANDSHAKE_TIMEOUT,
                    "handshake not complete after " + setup.handshakeTimeoutMillis() + " ms"), null);
        });
        parser = RecordParser.newFixed(firstMessageSize, this::onHandshakeMessage);
        socket.handler(this::onHandshakeBytes);
        if (hello != null) {
            socket.write(Buffer.buffer(hello));
        }
    }

    private boolean authorize(FeedId client) {
        // our own key is the local identity itself (the CLI, "master"), whom the authorizer cannot lock out
        return client.equals(setup.identity().id()) || setup.authorizer().test(client);
    }

    // ------------------------------------------------------------------ public view

    /** The peer's feed id: for a client the key we dialled, for a server known once the handshake is done. */
    public FeedId remoteId() {
        return remoteId;
    }

    /** The peer's IP address. */
    public String remoteHost() {
        return remoteHost;
    }

    public int remotePort() {
        return remotePort;
    }

    /** {@code host:port} of the peer (IPv6 in brackets), or for a tunnel its address {@code tunnel:@ROOM:@TARGET}. */
    public String remoteAddress() {
        return remotePort == 0 ? remoteHost : MultiserverAddress.hostPort(remoteHost, remotePort);
    }

    /** True when this connection runs through a room's tunnel rather than a socket of its own. */
    public boolean isTunnel() {
        return remotePort == 0 && remoteHost.startsWith("tunnel:");
    }

    /** True when we dialled this connection, false when the peer did. */
    public boolean isClient() {
        return client;
    }

    /** The muxrpc session once the handshake is done (null before). Use on the connection's context only. */
    public RpcSession session() {
        return session;
    }

    /** Completes with this connection once the handshake is done; fails if it does not get that far. */
    public Future<PeerConnection> established() {
        return established.future();
    }

    /** Completes (never fails) once the socket is closed, with the first reason the connection ended. */
    public Future<CloseReason> closeFuture() {
        return closed.future();
    }

    /** Runs {@code handler} once the connection is closed (on its context). */
    public PeerConnection closeHandler(Consumer<CloseReason> handler) {
        closed.future().onSuccess(handler::accept);
        return this;
    }

    /** True until the connection starts to close. */
    public boolean isOpen() {
        return reason == null;
    }

    /** Runs {@code action} on this connection's context, where its session may be used. */
    public void runOnContext(Runnable action) {
        context.runOnContext(v -> action.run());
    }

    /**
     * Closes the connection cleanly: queued packets, then the muxrpc and box-stream goodbyes, then the
     * TCP end (or just the socket while still handshaking). Pending calls and open streams end with an
     * error naming {@code why}. Safe from any thread and more than once.
     *
     * @return completes when the socket is closed
     */
    public Future<CloseReason> close(String why) {
        runOnContext(() -> terminate(new CloseReason(CloseReason.Kind.LOCAL, why), null));
        return closed.future();
    }

    @Override
    public String toString() {
        return describe();
    }

    // ------------------------------------------------------------------ handshake

    private void onHandshakeBytes(Buffer buffer) {
        if (reason != null) {
            return;
        }
        long before = handshakeBytesIn;
        handshakeBytesIn += buffer.length();
        parser.handle(buffer);
        if (handshakeFailure != null) {
            GossipException failure = handshakeFailure;
            terminate(new CloseReason(CloseReason.Kind.HANDSHAKE_FAILED, failure.getMessage()), failure);
        } else if (handshakeResult != null) {
            // what came in the same read after the last handshake message is the box-stream's
            int used = (int) ((client ? CLIENT_HANDSHAKE_BYTES_IN : SERVER_HANDSHAKE_BYTES_IN) - before);
            establish(used < buffer.length() ? buffer.getBytes(used, buffer.length()) : null);
        }
    }

    /** One whole handshake message; never throws (the outcome is read by {@link #onHandshakeBytes}). */
    private void onHandshakeMessage(Buffer record) {
        if (handshakeFailure != null || handshakeResult != null) {
            return;
        }
        byte[] message = record.getBytes();
        try {
            if (client) {
                if (clientHandshake.expectedMessageSize() == SecretHandshake.SERVER_HELLO_SIZE) {
                    socket.write(Buffer.buffer(clientHandshake.authenticate(message)));
                    parser.fixedSizeMode(SecretHandshake.SERVER_ACCEPT_SIZE);
                } else {
                    handshakeResult = clientHandshake.verifyAccept(message);
                }
            } else if (serverHandshake.expectedMessageSize() == SecretHandshake.CLIENT_HELLO_SIZE) {
                socket.write(Buffer.buffer(serverHandshake.acceptHello(message)));
                parser.fixedSizeMode(SecretHandshake.CLIENT_AUTH_SIZE);
            } else {
                byte[] accept = serverHandshake.verifyAuthentication(message);
                handshakeResult = serverHandshake.result();
                remoteId = handshakeResult.remoteId();
                socket.write(Buffer.buffer(accept));
            }
        } catch (HandshakeException e) {
            handshakeFailure = e;
        } catch (RuntimeException e) {
            handshakeFailure = new GossipException("handshake failed: " + e, e);
        }
        if (handshakeFailure != null || handshakeResult != null) {
            parser.pause(); // no more records: the rest of this read is not the handshake's
        }
    }

    private void establish(byte[] leftover) {
        cancelTimer();
        HandshakeResult result = handshakeResult;
        remoteId = result.remoteId();
        encoder = new BoxStreamEncoder(result.encryptKey(), result.encryptNonce());
        decoder = new BoxStreamDecoder(result.decryptKey(), result.decryptNonce());
        packets = new PacketDecoder();
        parser = null;
        clientHandshake = null;
        serverHandshake = null;
        handshakeResult = null;
        try {
            FeedId local = setup.identity().id();
            Caller caller = remoteId.equals(local) ? Caller.master(remoteId.toString())
                    : Caller.anonymous(remoteId.toString());
            MethodRegistry registry = setup.methods().apply(this);
            RpcSession.Options options = setup.muxrpcOptions()
                    .withDispatcher(command -> context.runOnContext(v -> command.run()))
                    .withHandlerErrors(e -> event(Level.WARN).addKeyValue("reason", e.toString())
                            .log("gossip {}: a handler failed: {}", describe(), e.toString()))
                    .withLimitRefusals(this::onLimitRefusal);
            session = new RpcSession(registry == null ? new MethodRegistry() : registry, caller, new Sink(), options);
            socket.handler(this::onBytes);
            socket.drainHandler(v -> {
                if (session != null) {
                    session.drained();
                }
            });
            setup.onEstablished().accept(this);
        } catch (RuntimeException e) {
            terminate(new CloseReason(CloseReason.Kind.INTERNAL_ERROR, "setting up the connection failed: " + e), e);
            return;
        }
        if (reason != null) {
            return; // the hook closed it
        }
        established.tryComplete(this);
        if (leftover != null) {
            onBytes(leftover);
        }
    }

    /** The session refused a call of the peer for a limit: logged once per connection, the rest only counted by the peer. */
    private void onLimitRefusal(String refusal) {
        if (!limitRefusalLogged) {
            limitRefusalLogged = true;
            event(Level.WARN).addKeyValue("reason", refusal)
                    .log("gossip {}: refused a call: {}; further refusals on this connection are not logged", describe(), refusal);
        }
    }

    // ------------------------------------------------------------------ box-stream and muxrpc

    private void onBytes(Buffer buffer) {
        onBytes(buffer.getBytes());
    }

    private void onBytes(byte[] bytes) {
        if (reason != null) {
            return;
        }
        try {
            decoder.feed(ByteBuffer.wrap(bytes), this::onPlaintext);
            if (reason == null && decoder.isClosed()) {
                terminate(new CloseReason(CloseReason.Kind.GOODBYE, "the peer said goodbye (box-stream)"), null);
            }
        } catch (GossipException e) {
            terminate(new CloseReason(CloseReason.Kind.PROTOCOL_ERROR, e.getMessage()), e);
        } catch (RuntimeException e) {
            terminate(new CloseReason(CloseReason.Kind.INTERNAL_ERROR, e.toString()), e);
        }
    }

    private void onPlaintext(byte[] chunk) {
        if (reason != null) {
            return;
        }
        packets.feed(chunk, 0, chunk.length, this::onPacket);
        if (reason == null && packets.isGoodbye()) {
            terminate(new CloseReason(CloseReason.Kind.GOODBYE, "the peer said goodbye"), null);
        }
    }

    private void onPacket(Packet packet) {
        if (reason == null) {
            session.receive(packet);
        }
    }

    /** The session's way out: packets are coalesced per event-loop turn, then boxed and written. */
    private final class Sink implements PacketSink {
        @Override
        public void send(Packet packet) {
            if (reason != null || encoder == null) {
                return;
            }
            byte[] body = packet.body();
            int size = PacketCodec.HEADER_SIZE + body.length;
            reserve(size);
            PacketCodec.writeHeader(packet, pending, pendingLength);
            System.arraycopy(body, 0, pending, pendingLength + PacketCodec.HEADER_SIZE, body.length);
            pendingLength += size;
            if (pendingLength >= FLUSH_THRESHOLD) {
                flush();
            }
            if (!flushScheduled) {
                flushScheduled = true;
                context.runOnContext(v -> {
                    flushScheduled = false;
                    if (reason == null) {
                        flush();
                        if (pending != null && pending.length > RETAINED_BUFFER_SIZE) {
                            pending = null;
                        }
                    }
                });
            }
        }

        @Override
        public boolean writeQueueFull() {
            return !socketClosed && socket.writeQueueFull();
        }

        @Override
        public void pauseReading() {
            if (!socketClosed) {
                socket.pause();
            }
        }

        @Override
        public void resumeReading() {
            if (!socketClosed) {
                socket.resume();
            }
        }
    }

    private void reserve(int size) {
        if (pending == null) {
            pending = new byte[Math.max(INITIAL_BUFFER_SIZE, size)];
        } else if (pending.length - pendingLength < size) {
            byte[] bigger = new byte[Math.max(pending.length * 2, pendingLength + size)];
            System.arraycopy(pending, 0, bigger, 0, pendingLength);
            pending = bigger;
        }
    }

    private void flush() {
        if (pendingLength == 0 || socketClosed) {
            return;
        }
        byte[] frames = encoder.encode(pending, 0, pendingLength);
        pendingLength = 0;
        int length = frames.length;
        unsent += length;
        socket.write(Buffer.buffer(frames)).onComplete(written -> unsent -= length);
        if (unsent > setup.maxUnsentBytes()) {
            // the peer asks and does not read the answers: cut it before they pile up (after this turn, not
            // in the middle of the session's own call)
            long queued = unsent;
            context.runOnContext(v -> terminate(new CloseReason(CloseReason.Kind.PROTOCOL_ERROR, "the peer does not read what "
                    + "it is sent: " + queued + " bytes unsent, over the limit of " + setup.maxUnsentBytes()), null));
        }
    }

    // ------------------------------------------------------------------ closing

    private void onSocketError(Throwable error) {
        terminate(new CloseReason(CloseReason.Kind.DISCONNECTED, "socket error: " + error.getMessage()), null);
    }

    private void onSocketClosed() {
        socketClosed = true;
        if (reason == null) {
            boolean truncated = decoder != null && decoder.hasPartialFrame();
            boolean silent = session == null && handshakeBytesIn == 0 && !client;
            String why = silent ? "the peer closed the connection before the handshake began"
                    : session == null ? "the peer closed the connection during the handshake"
                    : truncated ? "the connection closed in the middle of a box-stream frame"
                    : "the connection closed without goodbye";
            terminate(new CloseReason(session == null && !silent ? CloseReason.Kind.HANDSHAKE_FAILED
                    : CloseReason.Kind.DISCONNECTED, why), null);
        }
        closed.tryComplete(reason);
    }

    /**
     * Ends the connection for {@code why} (the first reason wins): logs it once, ends the session, says
     * goodbye when the box-stream is up and the end is a clean one, and closes the socket.
     */
    private void terminate(CloseReason why, Throwable cause) {
        if (reason != null) {
            return;
        }
        reason = why;
        cancelTimer();
        log(why, cause);
        if (session != null) {
            session.close(why.message());
        }
        boolean clean = why.kind() == CloseReason.Kind.LOCAL || why.kind() == CloseReason.Kind.GOODBYE;
        if (!socketClosed) {
            if (clean && encoder != null) {
                flush();
                byte[] muxrpcGoodbye = encoder.encode(PacketCodec.goodbye());
                byte[] boxGoodbye = encoder.goodbye();
                Buffer bye = Buffer.buffer(muxrpcGoodbye.length + boxGoodbye.length)
                        .appendBytes(muxrpcGoodbye).appendBytes(boxGoodbye);
                socket.write(bye);
                socket.end();
            } else {
                socket.close();
            }
        }
        pending = null;
        pendingLength = 0;
        socket.handler(null);
        established.tryFail(cause instanceof GossipException g && session == null ? g
                : new PeerConnectionException(why));
        if (socketClosed) {
            closed.tryComplete(why);
        }
    }

    private void cancelTimer() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void log(CloseReason why, Throwable cause) {
        Level level = switch (why.kind()) {
            case PROTOCOL_ERROR, INTERNAL_ERROR -> Level.WARN;
            case HANDSHAKE_FAILED, HANDSHAKE_TIMEOUT -> Level.INFO;
            default -> Level.DEBUG;
        };
        event(level).addKeyValue("reason", why.message()).log("gossip {} closed: {}", describe(), why.message());
        if (why.kind() == CloseReason.Kind.INTERNAL_ERROR && cause != null) {
            event(Level.DEBUG).setCause(cause).log("gossip {}: stack of the internal error", describe());
        }
    }

    /** An event about this connection: {@code peer} (its id, or its address while the id is not known) and {@code address}. */
    private LoggingEventBuilder event(Level level) {
        FeedId id = remoteId;
        return LOG.atLevel(level).addKeyValue("peer", id == null ? remoteAddress() : id).addKeyValue("address", remoteAddress());
    }

    /** {@code connection to 1.2.3.4:8008 @key.ed25519} / {@code connection from …}. */
    private String describe() {
        FeedId id = remoteId;
        return "connection " + (client ? "to " : "from ") + remoteAddress() + (id == null ? "" : " " + id);
    }
}
