package org.conch.gossip.net;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.gossip.boxstream.BoxStreamDecoder;
import org.conch.gossip.boxstream.BoxStreamEncoder;
import org.conch.gossip.muxrpc.Packet;
import org.conch.gossip.muxrpc.PacketCodec;
import org.conch.gossip.muxrpc.PacketDecoder;
import org.conch.gossip.shs.ClientHandshake;
import org.conch.gossip.shs.HandshakeResult;
import org.conch.gossip.shs.SecretHandshake;
import org.conch.gossip.shs.ServerHandshake;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A hand-driven peer on a raw socket, for the cases a well-behaved {@link GossipNode} never produces:
 * stalling, garbage, several messages in one write. It speaks the protocol through the pure cores and
 * does everything on its socket's context.
 */
final class RawPeer {
    private final NetSocket socket;
    private final Context context;
    private final Promise<Void> closed = Promise.promise();
    private Buffer inbox = Buffer.buffer();
    private int wanted;
    private Promise<byte[]> reader;
    private long received;

    // box-stream mode
    private BoxStreamEncoder encoder;
    private BoxStreamDecoder decoder;
    private PacketDecoder packets;
    private final ArrayDeque<Packet> packetQueue = new ArrayDeque<>();
    private Promise<Packet> packetReader;

    /** Wraps a socket; call on its context (in a connect callback or a connect handler). */
    RawPeer(NetSocket socket) {
        this.socket = socket;
        this.context = Objects.requireNonNull(Vertx.currentContext(), "on the socket's context");
        socket.handler(this::onData);
        socket.closeHandler(v -> {
            closed.tryComplete();
            if (reader != null) {
                reader.tryFail("closed while waiting for " + wanted + " bytes");
            }
            if (packetReader != null) {
                packetReader.tryFail("closed while waiting for a packet");
            }
        });
    }

    static Future<RawPeer> connect(Vertx vertx, int port) {
        return vertx.createNetClient().connect(port, "127.0.0.1").map(RawPeer::new);
    }

    Future<Void> closed() {
        return closed.future();
    }

    /** Bytes received so far (before box-stream mode). */
    long received() {
        return received;
    }

    void write(byte[] bytes) {
        socket.write(Buffer.buffer(bytes));
    }

    /** Writes {@code bytes} one byte per write, each after the previous one reached the kernel. */
    Future<Void> writeByteByByte(byte[] bytes) {
        Future<Void> chain = Future.succeededFuture();
        for (byte b : bytes) {
            chain = chain.compose(v -> socket.write(Buffer.buffer(new byte[] {b})));
        }
        return chain;
    }

    /** The client side of the handshake with each message written one byte at a time. */
    Future<HandshakeResult> clientHandshakeByteByByte(byte[] networkKey, Identity me, FeedId server) {
        ClientHandshake handshake = new ClientHandshake(networkKey, me, server.bytes());
        return writeByteByByte(handshake.hello())
                .compose(v -> read(SecretHandshake.SERVER_HELLO_SIZE))
                .compose(hello -> writeByteByByte(handshake.authenticate(hello)))
                .compose(v -> read(SecretHandshake.SERVER_ACCEPT_SIZE))
                .map(handshake::verifyAccept);
    }

    void close() {
        socket.close();
    }

    /** The next {@code n} bytes, however they are split on the wire. */
    Future<byte[]> read(int n) {
        Promise<byte[]> promise = Promise.promise();
        context.runOnContext(v -> {
            reader = promise;
            wanted = n;
            deliver();
        });
        return promise.future();
    }

    /** The client side of the handshake: {@code me} dials {@code server}. */
    Future<HandshakeResult> clientHandshake(byte[] networkKey, Identity me, FeedId server) {
        ClientHandshake handshake = new ClientHandshake(networkKey, me, server.bytes());
        write(handshake.hello());
        return read(SecretHandshake.SERVER_HELLO_SIZE)
                .compose(hello -> {
                    write(handshake.authenticate(hello));
                    return read(SecretHandshake.SERVER_ACCEPT_SIZE);
                })
                .map(handshake::verifyAccept);
    }

    /**
     * The server side of the handshake; msg4 is not written but returned, so that the caller can put
     * more after it in the same write. Box-stream mode is on when it completes.
     */
    Future<byte[]> serverHandshake(byte[] networkKey, Identity me) {
        ServerHandshake handshake = new ServerHandshake(networkKey, me, key -> true);
        return read(SecretHandshake.CLIENT_HELLO_SIZE)
                .compose(hello -> {
                    write(handshake.acceptHello(hello));
                    return read(SecretHandshake.CLIENT_AUTH_SIZE);
                })
                .map(auth -> {
                    byte[] accept = handshake.verifyAuthentication(auth);
                    startBoxStream(handshake.result());
                    return accept;
                });
    }

    /** From now on incoming bytes are box-stream frames holding muxrpc packets. */
    void startBoxStream(HandshakeResult result) {
        encoder = new BoxStreamEncoder(result.encryptKey(), result.encryptNonce());
        decoder = new BoxStreamDecoder(result.decryptKey(), result.decryptNonce());
        packets = new PacketDecoder();
        Buffer rest = inbox;
        inbox = Buffer.buffer();
        if (rest.length() > 0) {
            decode(rest.getBytes());
        }
    }

    /** The box-stream frames that carry {@code packet} (not written). */
    byte[] box(Packet packet) {
        return encoder.encode(PacketCodec.encode(packet));
    }

    void send(Packet packet) {
        write(box(packet));
    }

    Future<Packet> nextPacket() {
        Promise<Packet> promise = Promise.promise();
        context.runOnContext(v -> {
            packetReader = promise;
            deliverPacket();
        });
        return promise.future();
    }

    private void onData(Buffer data) {
        if (decoder != null) {
            decode(data.getBytes());
            return;
        }
        received += data.length();
        inbox.appendBuffer(data);
        deliver();
    }

    private void decode(byte[] bytes) {
        decoder.feed(ByteBuffer.wrap(bytes), chunk -> packets.feed(chunk, 0, chunk.length, packetQueue::add));
        deliverPacket();
    }

    private void deliver() {
        if (reader != null && inbox.length() >= wanted) {
            byte[] bytes = inbox.getBytes(0, wanted);
            inbox = inbox.getBuffer(wanted, inbox.length());
            Promise<byte[]> done = reader;
            reader = null;
            done.complete(bytes);
        }
    }

    private void deliverPacket() {
        if (packetReader != null && !packetQueue.isEmpty()) {
            Promise<Packet> done = packetReader;
            packetReader = null;
            done.complete(packetQueue.poll());
        }
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] out = new byte[first.length + second.length];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        return out;
    }
}
