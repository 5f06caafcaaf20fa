package org.conch.server;

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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A peer that misbehaves on purpose, built from conch's own cores over a plain blocking socket: it can stop
 * in the middle of the secret handshake, or complete it and then write any bytes, box-stream frames or
 * muxrpc packets it likes. A daemon thread reads what the server sends (box-stream, then muxrpc) into a
 * queue; {@link #closed()} completes when the server ends the connection.
 */
final class HostileClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final Identity identity;
    private BoxStreamEncoder encoder;
    private final LinkedBlockingQueue<Packet> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private int nextRequest = 1;

    private HostileClient(Socket socket, Identity identity) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.identity = identity;
    }

    /** Opens a TCP connection and sends the client hello (message 1 of 4) and nothing more. */
    static HostileClient helloOnly(int port, byte[] networkKey, FeedId server, Identity as) throws IOException {
        HostileClient client = new HostileClient(new Socket("127.0.0.1", port), as);
        client.out.write(new ClientHandshake(networkKey, as, server.bytes()).hello());
        client.out.flush();
        client.readUntilClosed(null, null);
        return client;
    }

    /** Opens a TCP connection and sends nothing at all. */
    static HostileClient silent(int port) throws IOException {
        HostileClient client = new HostileClient(new Socket("127.0.0.1", port), Identity.generate());
        client.readUntilClosed(null, null);
        return client;
    }

    /** Completes the secret handshake as {@code as}; then box-stream and muxrpc are up both ways. */
    static HostileClient handshake(int port, byte[] networkKey, FeedId server, Identity as) throws IOException {
        return handshake(port, networkKey, server, as, true);
    }

    /**
     * Completes the secret handshake as {@code as}; with {@code reading} false nothing the server sends
     * afterwards is read (its replies pile up in the server), and {@link #closed()} never completes.
     */
    static HostileClient handshake(int port, byte[] networkKey, FeedId server, Identity as, boolean reading) throws IOException {
        HostileClient client = new HostileClient(new Socket("127.0.0.1", port), as);
        client.socket.setSoTimeout(30_000);
        InputStream in = client.socket.getInputStream();
        ClientHandshake handshake = new ClientHandshake(networkKey, as, server.bytes());
        client.out.write(handshake.hello());
        client.out.write(handshake.authenticate(in.readNBytes(SecretHandshake.SERVER_HELLO_SIZE)));
        client.out.flush();
        HandshakeResult keys = handshake.verifyAccept(in.readNBytes(SecretHandshake.SERVER_ACCEPT_SIZE));
        client.socket.setSoTimeout(0);
        client.encoder = new BoxStreamEncoder(keys.encryptKey(), keys.encryptNonce());
        if (reading) client.readUntilClosed(new BoxStreamDecoder(keys.decryptKey(), keys.decryptNonce()), new PacketDecoder());
        return client;
    }

    Identity identity() {
        return identity;
    }

    /** The local port: how the server names this peer in its log ({@code 127.0.0.1:PORT}). */
    int localPort() {
        return socket.getLocalPort();
    }

    /** Completes with what ended the connection (EOF, reset, a frame that did not open) once it is over. */
    CompletableFuture<String> closed() {
        return closed;
    }

    // ------------------------------------------------------------------ sending

    /** Bytes as they are, outside any box. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Plaintext boxed into box-stream frames. */
    void sendBoxed(byte[] plaintext) throws IOException {
        sendRaw(encoder.encode(plaintext));
    }

    void send(Packet packet) throws IOException {
        sendBoxed(PacketCodec.encode(packet));
    }

    /** Many packets in few writes. */
    void send(List<Packet> packets) throws IOException {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (Packet packet : packets) {
            batch.writeBytes(PacketCodec.encode(packet));
            if (batch.size() >= 64 * 1024) {
                sendBoxed(batch.toByteArray());
                batch.reset();
            }
        }
        if (batch.size() > 0) sendBoxed(batch.toByteArray());
    }

    /** An async request packet (no {@code type}, as JS sends them) with the next request number. */
    Packet asyncRequest(String method, Object... args) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", List.of((Object[]) method.split("\\.")));
        body.put("args", List.of(args));
        return Packet.json(false, false, nextRequest++, body);
    }

    /** A stream request packet ({@code type} source or duplex) with the next request number; returns it. */
    Packet streamRequest(String method, String type, Object... args) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", List.of((Object[]) method.split("\\.")));
        body.put("args", List.of(args));
        body.put("type", type);
        return Packet.json(true, false, nextRequest++, body);
    }

    // ------------------------------------------------------------------ receiving

    /** The next packet from the server that matches, or null if none came before the deadline. */
    Packet await(Predicate<Packet> wanted, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        for (long left = deadline.toNanos(); left > 0; left = end - System.nanoTime()) {
            Packet packet = received.poll(left, TimeUnit.NANOSECONDS);
            if (packet != null && wanted.test(packet)) return packet;
        }
        return null;
    }

    private void readUntilClosed(BoxStreamDecoder boxes, PacketDecoder packets) {
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                InputStream in = socket.getInputStream();
                for (int n; (n = in.read(buffer)) != -1; ) {
                    if (boxes == null) continue; // before or without a handshake: the server's bytes are not read
                    boxes.feed(ByteBuffer.wrap(buffer, 0, n),
                            chunk -> packets.feed(chunk, 0, chunk.length, received::add));
                    if (boxes.isClosed()) {
                        closed.complete("the server said goodbye");
                        return;
                    }
                }
                closed.complete("end of stream");
            } catch (IOException | RuntimeException e) {
                closed.complete(socket.isClosed() ? "closed here" : e.toString());
            }
        }, "hostile-reader-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
