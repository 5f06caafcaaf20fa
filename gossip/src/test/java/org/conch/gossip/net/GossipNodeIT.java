package org.conch.gossip.net;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.MethodRegistry.Access;
import org.conch.gossip.muxrpc.MuxrpcException;
import org.conch.gossip.muxrpc.Packet;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.conch.gossip.shs.ClientHandshake;
import org.conch.gossip.shs.SecretHandshake;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two (or three) nodes on loopback with their own identities, and raw sockets for the hostile cases.
 * The event loops fail loudly (a blocked-thread warning with its stack) past 200 ms.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class GossipNodeIT {
    private static final byte[] TEST_NETWORK = new byte[SecretHandshake.NETWORK_KEY_SIZE];
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    static {
        new Random(8008).nextBytes(TEST_NETWORK);
    }

    private Vertx vertx;
    private final List<GossipNode> nodes = new ArrayList<>();

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx(new VertxOptions()
                .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(50).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    }

    @AfterEach
    void stopVertx() throws Exception {
        for (GossipNode node : nodes) {
            node.close().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ the happy path

    @Test
    void bothSidesKnowEachOtherAndCallBothWays(VertxTestContext test) throws Exception {
        Identity alice = Identity.generate();
        Identity bob = Identity.generate();
        Promise<PeerConnection> aliceSide = Promise.promise();
        GossipNode server = node(alice, config()).onConnection(aliceSide::tryComplete);
        GossipNode client = node(bob, config());
        server.listen().await(10, TimeUnit.SECONDS);

        client.connect(server.address("127.0.0.1"))
                .compose(toAlice -> aliceSide.future().compose(toBob -> {
                    test.verify(() -> {
                        assertThat(toAlice.remoteId()).isEqualTo(alice.id());
                        assertThat(toAlice.isClient()).isTrue();
                        assertThat(toBob.remoteId()).isEqualTo(bob.id());
                        assertThat(toBob.isClient()).isFalse();
                        assertThat(toBob.remoteHost()).isEqualTo("127.0.0.1");
                        assertThat(client.connections()).containsExactly(toAlice);
                        assertThat(server.connections()).containsExactly(toBob);
                    });
                    return Future.all(
                            on(toAlice, () -> call(toAlice, "test.whoami", List.of())),
                            on(toBob, () -> call(toBob, "test.whoami", List.of())),
                            on(toAlice, () -> collect(toAlice.session(), "test.count", List.of(1000))),
                            on(toBob, () -> collect(toBob.session(), "test.count", List.of(1000))));
                }))
                .onComplete(test.succeeding(all -> test.verify(() -> {
                    assertThat(all.<Map<String, Object>>resultAt(0))
                            .containsEntry("server", alice.id().toString())
                            .containsEntry("caller", bob.id().toString());
                    assertThat(all.<Map<String, Object>>resultAt(1))
                            .containsEntry("server", bob.id().toString())
                            .containsEntry("caller", alice.id().toString());
                    assertThat(numbers(all.resultAt(2))).isEqualTo(range(1000));
                    assertThat(numbers(all.resultAt(3))).isEqualTo(range(1000));
                    test.completeNow();
                })));
    }

    @Test
    void aMebibyteOfStreamItemsArrivesIntact(VertxTestContext test) throws Exception {
        GossipNode server = node(Identity.generate(), config());
        GossipNode client = node(Identity.generate(), config());
        server.listen().await(10, TimeUnit.SECONDS);

        client.connect(server.address("127.0.0.1"))
                .compose(connection -> on(connection, () -> Future.all(
                        collect(connection.session(), "test.bytes", List.of(128, 8192, 1)),
                        collect(connection.session(), "test.bytes", List.of(1, 900_000, 2)))))
                .onComplete(test.succeeding(all -> test.verify(() -> {
                    List<Object> small = all.resultAt(0);
                    assertThat(small).hasSize(128);
                    for (int i = 0; i < small.size(); i++) {
                        assertThat((byte[]) small.get(i)).isEqualTo(randomBytes(8192, 1 + i));
                    }
                    List<Object> big = all.resultAt(1);
                    assertThat(big).hasSize(1);
                    assertThat((byte[]) big.get(0)).isEqualTo(randomBytes(900_000, 2));
                    test.completeNow();
                })));
    }

    @Test
    void goodbyeClosesBothSidesCleanly(VertxTestContext test) throws Exception {
        Promise<PeerConnection> serverSide = Promise.promise();
        GossipNode server = node(Identity.generate(), config()).onConnection(serverSide::tryComplete);
        GossipNode client = node(Identity.generate(), config());
        server.listen().await(10, TimeUnit.SECONDS);

        PeerConnection toServer = client.connect(server.address("127.0.0.1")).await(10, TimeUnit.SECONDS);
        PeerConnection toClient = serverSide.future().await(10, TimeUnit.SECONDS);
        Future<Object> pending = on(toServer, () -> call(toServer, "test.never", List.of()));
        // the call is on the wire before the goodbye: once its request is served, close
        awaitCondition("the connection open and served at both ends", () -> toServer.isOpen() && served(toClient));

        Future<CloseReason> clientClosed = toServer.close("done");
        Future.all(clientClosed, toClient.closeFuture(), pending.otherwise(e -> e))
                .onComplete(test.succeeding(all -> test.verify(() -> {
                    assertThat(all.<CloseReason>resultAt(0).kind()).isEqualTo(CloseReason.Kind.LOCAL);
                    assertThat(all.<CloseReason>resultAt(1).kind())
                            .as("the server read our goodbye before the TCP close")
                            .isEqualTo(CloseReason.Kind.GOODBYE);
                    assertThat(all.<Object>resultAt(2)).isInstanceOf(MuxrpcException.class);
                    test.completeNow();
                })));
        test.awaitCompletion(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        awaitCondition("no connection left at server or client", () -> server.connectionCount() == 0 && client.connectionCount() == 0);
    }

    @Test
    void dialingOurselvesIsRefused() throws Exception {
        GossipNode node = node(Identity.generate(), config());
        node.listen().await(10, TimeUnit.SECONDS);
        Throwable failure = node.connect(node.address("127.0.0.1")).cause();
        assertThat(failure).isInstanceOf(PeerConnectionException.class).hasMessageContaining("ourselves");
        assertThat(node.connectionCount()).isZero();
    }

    @Test
    void aClientDiallingTheWrongKeyFailsTheHandshake() throws Exception {
        GossipNode server = node(Identity.generate(), config());
        GossipNode client = node(Identity.generate(), config());
        server.listen().await(10, TimeUnit.SECONDS);
        MultiserverAddress wrong = new MultiserverAddress("127.0.0.1", server.port(), Identity.generate().id());

        Throwable failure = failureOf(client.connect(wrong));
        assertThat(failure).isInstanceOf(GossipException.class);
        awaitCondition("no connection left at server or client", () -> server.connectionCount() == 0 && client.connectionCount() == 0);
    }

    @Test
    void aPausedStreamPausesTheSocketAndLosesNothing(VertxTestContext test) throws Exception {
        GossipNode server = node(Identity.generate(), config());
        GossipNode client = node(Identity.generate(), config());
        server.listen().await(10, TimeUnit.SECONDS);

        client.connect(server.address("127.0.0.1"))
                .compose(connection -> on(connection, () -> {
                    Promise<List<Object>> done = Promise.promise();
                    List<Object> items = new ArrayList<>();
                    connection.session().source("test.bytes", List.of(256, 4096, 3), new StreamListener() {
                        @Override
                        public void onItem(Substream stream, Object item) {
                            items.add(item);
                            if (items.size() % 16 == 0) { // hold the stream (and the socket) for a turn
                                stream.pause();
                                connection.runOnContext(stream::resume);
                            }
                        }

                        @Override
                        public void onEnd(Substream stream, GossipException error) {
                            if (error == null) {
                                done.complete(items);
                            } else {
                                done.fail(error);
                            }
                        }
                    });
                    return done.future();
                }))
                .onComplete(test.succeeding(items -> test.verify(() -> {
                    assertThat(items).hasSize(256);
                    for (int i = 0; i < items.size(); i++) {
                        assertThat((byte[]) items.get(i)).isEqualTo(randomBytes(4096, 3 + i));
                    }
                    test.completeNow();
                })));
    }

    @Test
    void aHandshakeWrittenOneByteAtATimeCompletes() throws Exception {
        Identity serverIdentity = Identity.generate();
        GossipNode server = node(serverIdentity, config());
        server.listen().await(10, TimeUnit.SECONDS);

        RawPeer raw = RawPeer.connect(vertx, server.port()).await(10, TimeUnit.SECONDS);
        raw.startBoxStream(raw.clientHandshakeByteByByte(TEST_NETWORK, Identity.generate(), serverIdentity.id())
                .await(10, TimeUnit.SECONDS));
        raw.send(Packet.json(false, false, 1, request("test.echo", "split")));
        Packet reply = raw.nextPacket().await(10, TimeUnit.SECONDS);
        assertThat(reply.request()).isEqualTo(-1);
        assertThat(reply.value()).isEqualTo("split");
        raw.close();
    }

    @Test
    void dialsOverTheTotalLimitFailAtOnce() throws Exception {
        GossipNode server = node(Identity.generate(), config());
        GossipNode client = node(Identity.generate(), config().withMaxConnections(1));
        server.listen().await(10, TimeUnit.SECONDS);

        client.connect(server.address("127.0.0.1")).await(10, TimeUnit.SECONDS);
        Throwable refused = failureOf(client.connect(server.address("127.0.0.1")));
        assertThat(refused).isInstanceOf(PeerConnectionException.class).hasMessageContaining("limit");
        assertThat(client.connectionCount()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ tunnels (a room's tunnel.connect stream as the pipe)

    /**
     * bob opens a {@code tunnel.connect} duplex on his connection to alice and dials alice again inside it, the way
     * an attendant dials another through a room: handshake, box-stream and muxrpc run over the stream's items.
     */
    @Test
    void aConnectionRunsInsideADuplexStreamOfAnother(VertxTestContext test) throws Exception {
        Identity alice = Identity.generate();
        Promise<PeerConnection> answered = Promise.promise();
        GossipNode server = tunnelAnswering(alice, answered);
        GossipNode client = node(Identity.generate(), config());
        server.listen().await(10, TimeUnit.SECONDS);
        String address = "tunnel:" + alice.id() + ":" + alice.id();

        client.connect(server.address("127.0.0.1"))
                .compose(outer -> on(outer, () -> client.dialTunnel(tunnelOn(outer, address), alice.id()))
                        .compose(inner -> on(inner, () -> Future.all(
                                        call(inner, "test.whoami", List.of()),
                                        collect(inner.session(), "test.bytes", List.of(64, 8192, 1)),
                                        collect(inner.session(), "test.bytes", List.of(1, 300_000, 2))))
                                .compose(all -> {
                                    test.verify(() -> {
                                        assertThat(inner.isTunnel()).isTrue();
                                        assertThat(inner.remoteAddress()).isEqualTo(address);
                                        assertThat(inner.remoteId()).isEqualTo(alice.id());
                                        assertThat(all.<Map<String, Object>>resultAt(0)).containsEntry("server", alice.id().toString());
                                        List<Object> small = all.resultAt(1);
                                        assertThat(small).hasSize(64);
                                        for (int i = 0; i < small.size(); i++) {
                                            assertThat((byte[]) small.get(i)).isEqualTo(randomBytes(8192, 1 + i));
                                        }
                                        assertThat((byte[]) all.<List<Object>>resultAt(2).get(0)).isEqualTo(randomBytes(300_000, 2));
                                        assertThat(server.connections()).hasSize(2);
                                    });
                                    return inner.close("done with the tunnel");
                                })
                                // the tunnel's end is the stream's: the connection it ran in carries on
                                .compose(closed -> answered.future().compose(PeerConnection::closeFuture))
                                .compose(closed -> on(outer, () -> call(outer, "test.echo", List.of("still here"))))))
                .onComplete(test.succeeding(echo -> test.verify(() -> {
                    assertThat(echo).isEqualTo("still here");
                    assertThat(server.connections()).hasSize(1);
                    test.completeNow();
                })));
    }

    @Test
    void aTunnelClosesWithTheConnectionItRunsIn(VertxTestContext test) throws Exception {
        Identity alice = Identity.generate();
        GossipNode server = tunnelAnswering(alice, Promise.promise());
        GossipNode client = node(Identity.generate(), config());
        server.listen().await(10, TimeUnit.SECONDS);

        client.connect(server.address("127.0.0.1"))
                .compose(outer -> on(outer, () -> client.dialTunnel(tunnelOn(outer, "tunnel:test"), alice.id()))
                        .compose(inner -> outer.close("the room goes away").compose(closed -> inner.closeFuture())))
                .onComplete(test.succeeding(reason -> test.verify(() -> {
                    assertThat(reason.message()).contains("connection closed");
                    test.completeNow();
                })));
    }

    /** A node that answers {@code tunnel.connect} as an attendant does: a connection of its own inside the stream. */
    private GossipNode tunnelAnswering(Identity identity, Promise<PeerConnection> answered) {
        GossipNode[] node = new GossipNode[1];
        node[0] = node(identity, config()).methods(testMethods(identity.id())
                .duplex("tunnel.connect", Access.ANYONE, (context, args, stream) -> {
                    TunnelTransport tunnel = new TunnelTransport("tunnel:from-" + context.caller().peerId()).attach(stream);
                    node[0].acceptTunnel(tunnel).onComplete(answered);
                    return tunnel;
                }));
        return node[0];
    }

    /** A tunnel stream opened on {@code outer}; call on its context. */
    private static TunnelTransport tunnelOn(PeerConnection outer, String address) {
        TunnelTransport tunnel = new TunnelTransport(address);
        return tunnel.attach(outer.session().duplex("tunnel.connect", List.of(Map.of()), tunnel));
    }

    // ------------------------------------------------------------------ hostile peers

    @Test
    void aClientWithAnotherNetworkKeyIsRefusedAndOthersAreStillServed() throws Exception {
        GossipNode server = node(Identity.generate(), config());
        byte[] otherNetwork = SecretHandshake.mainNetworkKey();
        GossipNode stranger = node(Identity.generate(), config().withNetworkKey(otherNetwork));
        GossipNode friend = node(Identity.generate(), config());
        server.listen().await(10, TimeUnit.SECONDS);

        Throwable refused = failureOf(stranger.connect(server.address("127.0.0.1")));
        assertThat(refused).isInstanceOf(GossipException.class).hasMessageContaining("during the handshake");

        PeerConnection toServer = friend.connect(server.address("127.0.0.1")).await(10, TimeUnit.SECONDS);
        assertThat(on(toServer, () -> call(toServer, "test.echo", List.of("still here"))).await(10, TimeUnit.SECONDS))
                .isEqualTo("still here");
        awaitCondition("the server keeps one connection and the stranger none", () -> server.connectionCount() == 1 && stranger.connectionCount() == 0);
    }

    @Test
    void aPeerThatStallsMidHandshakeIsCutAtTheTimeout() throws Exception {
        Identity serverIdentity = Identity.generate();
        GossipNode server = node(serverIdentity, config().withHandshakeTimeout(Duration.ofMillis(300)));
        server.listen().await(10, TimeUnit.SECONDS);

        RawPeer raw = RawPeer.connect(vertx, server.port()).await(10, TimeUnit.SECONDS);
        ClientHandshake handshake = new ClientHandshake(TEST_NETWORK, Identity.generate(), serverIdentity.id().bytes());
        raw.write(handshake.hello());
        byte[] serverHello = raw.read(SecretHandshake.SERVER_HELLO_SIZE).await(10, TimeUnit.SECONDS);
        assertThat(serverHello).hasSize(SecretHandshake.SERVER_HELLO_SIZE);
        // ... and never send msg3
        raw.closed().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        awaitCondition("no connection left at the server", () -> server.connectionCount() == 0);
    }

    @Test
    void garbageAfterTheHandshakeClosesOnlyThatConnection() throws Exception {
        Identity serverIdentity = Identity.generate();
        GossipNode server = node(serverIdentity, config());
        GossipNode friend = node(Identity.generate(), config());
        server.listen().await(10, TimeUnit.SECONDS);
        PeerConnection toServer = friend.connect(server.address("127.0.0.1")).await(10, TimeUnit.SECONDS);

        RawPeer raw = RawPeer.connect(vertx, server.port()).await(10, TimeUnit.SECONDS);
        raw.clientHandshake(TEST_NETWORK, Identity.generate(), serverIdentity.id()).await(10, TimeUnit.SECONDS);
        awaitCondition("two connections at the server", () -> server.connections().size() == 2);
        raw.write(randomBytes(200, 7)); // not a box-stream frame under these keys
        raw.closed().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);

        assertThat(toServer.isOpen()).isTrue();
        assertThat(on(toServer, () -> call(toServer, "test.echo", List.of("unharmed"))).await(10, TimeUnit.SECONDS))
                .isEqualTo("unharmed");
        awaitCondition("one connection left at the server", () -> server.connectionCount() == 1);
    }

    @Test
    void connectionsOverThePerAddressLimitAreRefusedBeforeTheHandshake() throws Exception {
        Identity serverIdentity = Identity.generate();
        GossipNode server = node(serverIdentity, config().withMaxConnectionsPerAddress(2));
        GossipNode friend = node(Identity.generate(), config());
        server.listen().await(10, TimeUnit.SECONDS);

        RawPeer first = RawPeer.connect(vertx, server.port()).await(10, TimeUnit.SECONDS);
        RawPeer second = RawPeer.connect(vertx, server.port()).await(10, TimeUnit.SECONDS);
        awaitCondition("two connections at the server", () -> server.connectionCount() == 2);

        // A blocking socket, not a RawPeer: the server closes a refused connection at once, and a Vert.x
        // socket can see that close before its close handler is set, so the test would wait forever.
        byte[] hello = new ClientHandshake(TEST_NETWORK, Identity.generate(), serverIdentity.id().bytes()).hello();
        assertThat(bytesBeforeTheServerCloses(server.port(), hello)).as("no server hello for the refused connection").isZero();
        assertThat(server.connectionCount()).isEqualTo(2);

        first.close();
        awaitCondition("one connection left at the server", () -> server.connectionCount() == 1);
        PeerConnection toServer = friend.connect(server.address("127.0.0.1")).await(10, TimeUnit.SECONDS);
        assertThat(toServer.remoteId()).isEqualTo(serverIdentity.id());
        assertThat(server.connectionCount()).isEqualTo(2);
        second.close();
    }

    @Test
    void dataInTheSameReadAsTheLastHandshakeMessageIsServedAndBadJsonClosesTheConnection() throws Exception {
        Identity rawIdentity = Identity.generate();
        GossipNode client = node(Identity.generate(), config());
        Promise<RawPeer> accepted = Promise.promise();
        NetServer rawServer = vertx.createNetServer()
                .connectHandler(socket -> accepted.tryComplete(new RawPeer(socket)));
        int port = rawServer.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();

        Future<PeerConnection> dialled = client.connect(new MultiserverAddress("127.0.0.1", port, rawIdentity.id()));
        RawPeer raw = accepted.future().await(10, TimeUnit.SECONDS);
        Packet echo = Packet.json(false, false, 1, request("test.echo", "in one read"));
        Future<Packet> reply = raw.serverHandshake(TEST_NETWORK, rawIdentity)
                .compose(accept -> {
                    raw.write(RawPeer.concat(accept, raw.box(echo))); // msg4 and a request in one write
                    return raw.nextPacket();
                });
        assertThat(reply.await(10, TimeUnit.SECONDS).value()).isEqualTo("in one read");
        PeerConnection connection = dialled.await(10, TimeUnit.SECONDS);

        raw.send(new Packet(false, false, org.conch.gossip.muxrpc.BodyType.JSON, 2,
                "{\"name\":[\"test\",".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        CloseReason reason = connection.closeFuture().await(10, TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.PROTOCOL_ERROR);
        raw.closed().await(10, TimeUnit.SECONDS);
        rawServer.close();
    }

    // ------------------------------------------------------------------ helpers

    private GossipConfig config() {
        return GossipConfig.defaults().withHost("127.0.0.1").withPort(0).withNetworkKey(TEST_NETWORK)
                .withHandshakeTimeout(Duration.ofSeconds(5));
    }

    private GossipNode node(Identity identity, GossipConfig config) {
        GossipNode node = GossipNode.create(vertx, identity, config).methods(testMethods(identity.id()));
        nodes.add(node);
        return node;
    }

    /** Requests served per connection, to know a call reached the peer. */
    private static final Map<RpcSession, Integer> SERVED = new java.util.concurrent.ConcurrentHashMap<>();

    private static boolean served(PeerConnection connection) {
        return connection.session() != null && SERVED.getOrDefault(connection.session(), 0) > 0;
    }

    private static MethodRegistry testMethods(FeedId self) {
        return new MethodRegistry()
                .async("test.echo", Access.ANYONE, (context, args) -> CompletableFuture.completedFuture(args.get(0)))
                .async("test.whoami", Access.ANYONE, (context, args) -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("server", self.toString());
                    answer.put("caller", context.caller().peerId());
                    return CompletableFuture.completedFuture(answer);
                })
                .async("test.never", Access.ANYONE, (context, args) -> {
                    SERVED.merge(context.session(), 1, Integer::sum);
                    return new CompletableFuture<>();
                })
                .source("test.count", Access.ANYONE, (context, args, stream) -> {
                    int count = ((Number) args.get(0)).intValue();
                    new Pump(stream, count, i -> i).run();
                    return null;
                })
                .source("test.bytes", Access.ANYONE, (context, args, stream) -> {
                    int count = ((Number) args.get(0)).intValue();
                    int size = ((Number) args.get(1)).intValue();
                    int seed = ((Number) args.get(2)).intValue();
                    new Pump(stream, count, i -> randomBytes(size, seed + i)).run();
                    return null;
                });
    }

    /** Writes {@code count} items, waiting for a drain whenever the socket's queue is full. */
    private record Pump(Substream stream, int count, java.util.function.IntFunction<Object> item, int[] next)
            implements Runnable {
        Pump(Substream stream, int count, java.util.function.IntFunction<Object> item) {
            this(stream, count, item, new int[1]);
        }

        @Override
        public void run() {
            while (next[0] < count) {
                if (stream.isLocalEnded()) {
                    return;
                }
                if (stream.writeQueueFull()) {
                    stream.drainHandler(this);
                    return;
                }
                stream.write(item.apply(next[0]++));
            }
            stream.end();
        }
    }

    private static Map<String, Object> request(String method, Object... args) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", Arrays.asList((Object[]) method.split("\\.")));
        body.put("args", Arrays.asList(args));
        return body;
    }

    /** Connects, writes {@code bytes} and counts what arrives until the server closes or resets the connection. */
    private static int bytesBeforeTheServerCloses(int port, byte[] bytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) DEADLINE.toMillis());
            int received = 0;
            try {
                socket.getOutputStream().write(bytes);
                byte[] buffer = new byte[256];
                for (int n; (n = socket.getInputStream().read(buffer)) != -1; ) {
                    received += n;
                }
            } catch (SocketTimeoutException stillOpen) {
                throw new AssertionError("the server kept the connection open for " + DEADLINE, stillOpen);
            } catch (SocketException reset) {
                // a close with our bytes unread reaches us as a reset: closed all the same
            }
            return received;
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    private static List<Integer> numbers(List<Object> items) {
        return items.stream().map(item -> ((Number) item).intValue()).toList();
    }

    /** Runs {@code action} on the connection's context (where its session lives). */
    private static <T> Future<T> on(PeerConnection connection, Supplier<Future<T>> action) {
        Promise<T> promise = Promise.promise();
        connection.runOnContext(() -> action.get().onComplete(promise));
        return promise.future();
    }

    @SuppressWarnings("unchecked")
    private static <T> Future<T> call(PeerConnection connection, String method, List<?> args) {
        return Future.fromCompletionStage(connection.session().async(method, args)).map(value -> (T) value);
    }

    private static Future<List<Object>> collect(RpcSession session, String method, List<?> args) {
        Promise<List<Object>> promise = Promise.promise();
        List<Object> items = new ArrayList<>();
        session.source(method, args, new StreamListener() {
            @Override
            public void onItem(Substream stream, Object item) {
                items.add(item);
            }

            @Override
            public void onEnd(Substream stream, GossipException error) {
                if (error == null) {
                    promise.complete(items);
                } else {
                    promise.fail(error);
                }
            }
        });
        return promise.future();
    }

    private static Throwable failureOf(Future<?> future) throws Exception {
        return Futures.failureOf(future, DEADLINE);
    }

    /** Waits until {@code condition}, read on an event loop (where connection state changes), holds. */
    private void awaitCondition(String what, BooleanSupplier condition) {
        Await.until(what, DEADLINE, () -> {
            Promise<Boolean> answer = Promise.promise();
            vertx.runOnContext(ignored -> answer.complete(condition.getAsBoolean()));
            return answer.future().await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        });
    }
}
