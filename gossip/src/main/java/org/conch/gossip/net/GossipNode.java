package org.conch.gossip.net;

import io.vertx.core.Future;
import org.conch.gossip.GossipException;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.gossip.LogEvents;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.RpcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A Scuttlebutt peer on the network: a TCP server for peers that dial us and a client for the peers
 * we dial, both speaking SHS + box-stream + muxrpc through {@link PeerConnection}s. It knows nothing of
 * replication: whoever builds it says which methods each connection serves and hears of each
 * connection once it is up.
 *
 * <pre>{@code
 * GossipNode node = GossipNode.create(vertx, identity, GossipConfig.defaults().withPort(8008))
 *         .methods(connection -> registry)                 // what the peer may call (shared or per peer)
 *         .onConnection(connection -> startReplication(connection))   // both directions
 *         .authorizer(feed -> !blocked.contains(feed));    // incoming clients (default: anyone)
 * node.listen().await();
 * node.connect(MultiserverAddress.parse("net:host:8008~shs:KEY")).onSuccess(c -> ...);
 * }</pre>
 *
 * Set the hooks before {@link #listen()} and the first {@link #connect}. Connection limits
 * ({@link GossipConfig#maxConnections()}, {@link GossipConfig#maxConnectionsPerAddress()}) are checked
 * before any handshake work; the per-address limit applies to incoming connections. Dialling our own key
 * is refused; a client that authenticates with our own key is the local identity ("master") and is
 * always admitted.
 */
public final class GossipNode {
    private static final Logger LOG = LoggerFactory.getLogger(GossipNode.class);
    private static final long REFUSAL_LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final Vertx vertx;
    private final Identity identity;
    private final GossipConfig config;
    private final NetClient client;
    private final Set<PeerConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    /** Refusals for a limit are logged at most once per {@link #REFUSAL_LOG_INTERVAL_NANOS}; the rest counted. */
    private final AtomicLong lastRefusalLogged = new AtomicLong(System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS);
    private final AtomicLong refusalsNotLogged = new AtomicLong();

    private volatile Predicate<FeedId> authorizer = feed -> true;
    private volatile Function<PeerConnection, MethodRegistry> methods = connection -> new MethodRegistry();
    private volatile Consumer<PeerConnection> onConnection = connection -> { };
    private volatile RpcSession.Options muxrpcOptions = RpcSession.Options.defaults();
    private volatile NetServer server;
    private volatile boolean closed;

    private GossipNode(Vertx vertx, Identity identity, GossipConfig config) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.config = Objects.requireNonNull(config, "config");
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.handshakeTimeout().toMillis()))
                .setTcpNoDelay(true));
    }

    public static GossipNode create(Vertx vertx, Identity identity, GossipConfig config) {
        return new GossipNode(vertx, identity, config);
    }

    // ------------------------------------------------------------------ hooks

    /** Which incoming clients to serve, by their proven key (default: everyone with the network key). */
    public GossipNode authorizer(Predicate<FeedId> value) {
        this.authorizer = Objects.requireNonNull(value, "authorizer");
        return this;
    }

    /**
     * The methods a connection serves, asked once per connection as its handshake completes (before
     * any packet of the peer is read). The connection's {@link PeerConnection#remoteId()} is known then.
     */
    public GossipNode methods(Function<PeerConnection, MethodRegistry> value) {
        this.methods = Objects.requireNonNull(value, "methods");
        return this;
    }

    /** One registry for every connection (a filled registry is only read, so it can be shared). */
    public GossipNode methods(MethodRegistry shared) {
        Objects.requireNonNull(shared, "methods");
        return methods(connection -> shared);
    }

    /**
     * Called for every connection once it is established, in both directions, on the connection's
     * context: make calls through {@link PeerConnection#session()}, watch {@link PeerConnection#closeFuture()}.
     */
    public GossipNode onConnection(Consumer<PeerConnection> value) {
        this.onConnection = Objects.requireNonNull(value, "onConnection");
        return this;
    }

    /** muxrpc limits and texts per connection (its dispatcher is always the connection's context). */
    public GossipNode muxrpcOptions(RpcSession.Options value) {
        this.muxrpcOptions = Objects.requireNonNull(value, "muxrpcOptions");
        return this;
    }

    // ------------------------------------------------------------------ lifecycle

    public FeedId id() {
        return identity.id();
    }

    public GossipConfig config() {
        return config;
    }

    /** Starts the server on the configured host and port; completes with the port bound. */
    public Future<Integer> listen() {
        if (closed) {
            return Future.failedFuture(new PeerConnectionException("the gossip node is closed"));
        }
        if (server != null) {
            return Future.failedFuture(new IllegalStateException("the gossip node is already listening"));
        }
        NetServer created = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
        created.connectHandler(this::accept);
        server = created;
        return created.listen(config.port(), config.host())
                .map(NetServer::actualPort)
                .recover(e -> Future.failedFuture(AddressInUse.isCauseOf(e)
                        ? new GossipException("gossip port " + config.port() + " on " + config.host() + " is in use", e)
                        : e))
                .onSuccess(port -> LOG.info("gossip listening on {}:{} as {}", config.host(), port, identity.id()));
    }

    /** The port the server listens on, or -1 before {@link #listen()} completes. */
    public int port() {
        NetServer s = server;
        return s == null || s.actualPort() <= 0 ? -1 : s.actualPort();
    }

    /** This node's own address, {@code net:HOST:PORT~shs:KEY}, for {@code host} (e.g. 127.0.0.1). */
    public MultiserverAddress address(String host) {
        return new MultiserverAddress(host, port(), identity.id());
    }

    /** Dials {@code address} as this node's identity. */
    public Future<PeerConnection> connect(MultiserverAddress address) {
        return connect(address, identity);
    }

    /**
     * Dials {@code address} authenticating as {@code as} (an invite's key, say). Completes once the
     * handshake is done and the connection's hooks have run; fails with a
     * {@link org.conch.gossip.shs.HandshakeException} or a {@link PeerConnectionException}.
     */
    public Future<PeerConnection> connect(MultiserverAddress address, Identity as) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(as, "as");
        if (closed) {
            return Future.failedFuture(new PeerConnectionException("the gossip node is closed"));
        }
        if (address.key().equals(identity.id())) {
            LogEvents.peer(LOG.atInfo(), address).log("gossip refused to dial {}: that is our own key", address);
            return Future.failedFuture(new PeerConnectionException("refusing to connect to ourselves (" + address + ")"));
        }
        if (!reserveTotal()) {
            logRefusal(address.key().toString(), address.hostPort(), "maxConnections", "gossip refused to dial " + address + ": "
                    + config.maxConnections() + " connections open already, the limit (maxConnections)");
            return Future.failedFuture(new PeerConnectionException("connection limit reached ("
                    + config.maxConnections() + " connections)"));
        }
        PeerConnection.Setup setup = setup(as);
        return client.connect(address.port(), address.host())
                .onFailure(e -> total.decrementAndGet())
                .compose(socket -> {
                    PeerConnection connection = PeerConnection.dial(vertx, Transport.of(socket), setup, address.key());
                    track(connection, null);
                    return connection.established();
                });
    }

    /**
     * Dials {@code target} through {@code tunnel}, a {@code tunnel.connect} stream opened on a room connection: the
     * secret handshake as client inside it, then box-stream and muxrpc as over TCP, with this node's hooks. Call on the
     * room connection's context. Completes like {@link #connect(MultiserverAddress)}.
     */
    public Future<PeerConnection> dialTunnel(TunnelTransport tunnel, FeedId target) {
        Objects.requireNonNull(target, "target");
        if (closed || target.equals(identity.id()) || !reserveTotal()) {
            tunnel.close();
            return Future.failedFuture(new PeerConnectionException(closed ? "the gossip node is closed"
                    : target.equals(identity.id()) ? "refusing to connect to ourselves (" + tunnel + ")"
                    : "connection limit reached (" + config.maxConnections() + " connections)"));
        }
        PeerConnection connection = PeerConnection.dial(vertx, tunnel, setup(identity), target);
        track(connection, null);
        return connection.established();
    }

    /**
     * Answers a tunnel a room opened to us for another attendant: the secret handshake as server inside it (the
     * authorizer applies as to any incoming client), then as {@link #dialTunnel}. Call on the room connection's context.
     */
    public Future<PeerConnection> acceptTunnel(TunnelTransport tunnel) {
        return acceptTunnel(tunnel, setup(identity));
    }

    /**
     * As {@link #acceptTunnel(TunnelTransport)}, for a tunnel a room opened on behalf of {@code origin}: a client that
     * proves another key in the handshake is refused there, as the authorizer refuses, so that a room cannot pass one
     * peer off as another.
     */
    public Future<PeerConnection> acceptTunnel(TunnelTransport tunnel, FeedId origin) {
        Objects.requireNonNull(origin, "origin");
        PeerConnection.Setup setup = setup(identity);
        Predicate<FeedId> authorize = setup.authorizer();
        return acceptTunnel(tunnel, setup.withAuthorizer(client -> client.equals(origin) && authorize.test(client)));
    }

    private Future<PeerConnection> acceptTunnel(TunnelTransport tunnel, PeerConnection.Setup setup) {
        if (closed || !reserveTotal()) {
            tunnel.close();
            return Future.failedFuture(new PeerConnectionException(closed ? "the gossip node is closed"
                    : "connection limit reached (" + config.maxConnections() + " connections)"));
        }
        PeerConnection connection = PeerConnection.accept(vertx, tunnel, setup);
        track(connection, null);
        return connection.established();
    }

    /** The connections that completed their handshake and are still open. */
    public Collection<PeerConnection> connections() {
        List<PeerConnection> open = new ArrayList<>();
        for (PeerConnection connection : connections) {
            if (connection.isOpen() && connection.established().succeeded()) {
                open.add(connection);
            }
        }
        return open;
    }

    /** Every connection counted against the limits: established and still handshaking. */
    public int connectionCount() {
        return total.get();
    }

    /**
     * Stops listening, closes every connection (with goodbye where the handshake is done) and the client.
     * Completes once all sockets are closed.
     */
    public Future<Void> close() {
        closed = true;
        NetServer s = server;
        Future<Void> serverClosed = s == null ? Future.succeededFuture() : s.close();
        List<Future<CloseReason>> closing = new ArrayList<>();
        for (PeerConnection connection : connections) {
            closing.add(connection.close("the node is closing"));
        }
        return Future.join(serverClosed, Future.join(closing))
                .eventually(client::close)
                .mapEmpty();
    }

    // ------------------------------------------------------------------ connections

    private void accept(NetSocket socket) {
        if (closed) {
            socket.close();
            return;
        }
        String host = socket.remoteAddress().hostAddress();
        String peer = socket.remoteAddress().toString();
        if (!reserveTotal()) {
            logRefusal(peer, peer, "maxConnections", "gossip refused connection from " + peer + ": "
                    + config.maxConnections() + " connections open already, the limit (maxConnections)");
            socket.close();
            return;
        }
        if (!reserveAddress(host)) {
            total.decrementAndGet();
            logRefusal(peer, peer, "maxConnectionsPerAddress", "gossip refused connection from " + peer + ": "
                    + config.maxConnectionsPerAddress() + " connections from " + host + " open already, the limit (maxConnectionsPerAddress)");
            socket.close();
            return;
        }
        PeerConnection connection = PeerConnection.accept(vertx, Transport.of(socket), setup(identity));
        track(connection, host);
    }

    private PeerConnection.Setup setup(Identity as) {
        Predicate<FeedId> authorize = authorizer;
        Function<PeerConnection, MethodRegistry> registry = methods;
        Consumer<PeerConnection> hook = onConnection;
        return new PeerConnection.Setup(as, config.networkKey(), config.handshakeTimeout().toMillis(), authorize,
                registry, hook, muxrpcOptions, config.maxUnsentBytes());
    }

    private void track(PeerConnection connection, String countedAddress) {
        connections.add(connection);
        connection.closeFuture().onComplete(done -> {
            connections.remove(connection);
            total.decrementAndGet();
            if (countedAddress != null) {
                perAddress.computeIfPresent(countedAddress, (key, count) -> count <= 1 ? null : count - 1);
            }
        });
        if (closed) {
            connection.close("the node is closing");
        }
    }

    /**
     * One WARN line for a connection refused for a limit, naming the peer and the limit; under a flood at
     * most one a second, saying how many were refused since the last line. {@code peer} is the peer's id, or
     * its address when it is not known yet; {@code limit} the setting that refused it.
     */
    private void logRefusal(String peer, String address, String limit, String line) {
        long now = System.nanoTime();
        long last = lastRefusalLogged.get();
        if (now - last < REFUSAL_LOG_INTERVAL_NANOS || !lastRefusalLogged.compareAndSet(last, now)) {
            refusalsNotLogged.incrementAndGet();
            return;
        }
        long more = refusalsNotLogged.getAndSet(0);
        LOG.atWarn().addKeyValue("peer", peer).addKeyValue("address", address).addKeyValue("reason", limit)
                .log(more == 0 ? line : line + " (and " + more + " more refused since the last such line)");
    }

    private boolean reserveTotal() {
        if (total.incrementAndGet() > config.maxConnections()) {
            total.decrementAndGet();
            return false;
        }
        return true;
    }

    private boolean reserveAddress(String host) {
        boolean[] reserved = new boolean[1];
        perAddress.compute(host, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= config.maxConnectionsPerAddress()) {
                return count;
            }
            reserved[0] = true;
            return now + 1;
        });
        return reserved[0];
    }
}
