package org.conch.server;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.blob.BlobStore;
import org.conch.feed.SignCap;
import org.conch.feed.ValidationWarmUp;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.feed.privatebox.PrivateContent;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.PrivateIndex;
import org.conch.gossip.LogEvents;
import org.conch.gossip.blobs.BlobHandlers;
import org.conch.gossip.blobs.BlobService;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.net.AddressInUse;
import org.conch.gossip.net.GossipNode;
import org.conch.gossip.net.LanDiscovery;
import org.conch.gossip.net.PeerConnection;
import org.conch.gossip.replication.ReplicationConfig;
import org.conch.gossip.room.RoomClient;
import org.conch.gossip.room.RoomHandlers;
import org.conch.gossip.room.RoomService;
import org.conch.server.room.AliasRoutes;
import org.conch.server.room.AliasStore;
import org.conch.server.room.RoomInviteRoutes;
import org.conch.gossip.replication.ReplicationHandlers;
import org.conch.gossip.replication.ReplicationService;
import org.conch.server.api.Failures;
import org.conch.server.config.DataDirectory;
import org.conch.server.config.ServerConfig;
import org.conch.server.config.ServerException;
import org.conch.server.http.ApiRoutes;
import org.conch.server.http.BlobRoutes;
import org.conch.server.http.CoreRoutes;
import org.conch.server.http.HttpApi;
import org.conch.server.http.InviteRoutes;
import org.conch.server.http.Peers;
import org.conch.server.http.Workers;
import org.conch.server.invite.GuestMethods;
import org.conch.server.invite.InviteRedeemer;
import org.conch.server.invite.InviteStore;
import org.conch.server.invite.PubMessages;
import org.conch.server.invite.ServerInvites;
import org.conch.server.web.EventsRoutes;
import org.conch.server.web.PrivateRoutes;
import org.conch.server.web.StaticRoutes;
import org.conch.server.web.TimelineRoutes;
import org.conch.server.web.SocialRoutes;
import org.conch.feed.social.LiveSocialIndex;
import org.conch.feed.social.SocialIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A running conch peer for one data directory: the feed store, replication, the gossip node and the
 * HTTP API, wired together. {@link #start} brings it all up; {@link #close} takes down what was brought up,
 * last opened first, also when a start fails half-way.
 */
public final class ConchServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConchServer.class);
    private static final long START_TIMEOUT_SECONDS = 30;
    private static final long CLOSE_TIMEOUT_SECONDS = 10;
    private static final long METRICS_REFRESH_MS = 5_000;
    /** How often the attendants of the rooms we attend are looked at again (follows change, tunnels fail). */
    private static final long ROOM_RECHECK_MS = 10_000;
    /** About a second of one core when cold: enough for the JIT to compile the whole validation path. */
    private static final int VALIDATION_WARM_UP_ROUNDS = 3_000;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final ServerConfig config;
    private final DataDirectory dataDirectory;
    private final Identity identity;
    /** What this server opened so far, each with how to close it; closed last opened first. */
    private final Deque<Opened> opened = new ArrayDeque<>();
    private final H2FeedStore store;
    /** The private messages the local identity reads. */
    private final PrivateIndex privateIndex;
    private final ExecutorService workers;
    /**
     * Signature checks of received messages: CPU only, so one thread per core, and apart from the
     * workers, so a store call blocked on the disk never holds up validation nor waits behind it.
     */
    private final ExecutorService validators;
    private final Vertx vertx;
    /** The blocking calls of HTTP handlers: a named Vert.x pool, so that replies continue on the request's event loop. */
    private final Workers httpWorkers;
    private final ReplicationService replication;
    private final BlobStore blobStore;
    private final BlobService blobs;
    /** Likes, replies, tags, search and activity, kept up to date on a thread of its own. */
    private final SocialIndex social;
    private final GossipNode node;
    private final InviteStore inviteStore;
    private final ServerInvites invites;
    private final Metrics metrics;
    /** The room server, or null when this server is not a room. */
    private final RoomService room;
    /** This peer in the rooms it dials: their attendants, and tunnels to those within our hops. */
    private final RoomClient roomClient;
    private final InviteRedeemer inviteRedeemer;
    /** The room's aliases and their pages, or null without a room, HTTP, or in a restricted room. */
    private final AliasRoutes aliasRoutes;
    /** Addresses this server keeps dialling, so that asking twice does not start two redial loops. */
    private final Set<String> keptConnected = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private int gossipPort;
    private int httpPort = -1;

    private record Opened(String what, AutoCloseable closer) {
    }

    private ConchServer(ServerConfig config, DataDirectory dataDirectory, Supplier<Vertx> newVertx) {
        this.config = config;
        this.dataDirectory = dataDirectory;
        this.identity = dataDirectory.identity();
        try {
            this.store = dataDirectory.openStore();
            opened("the feed store", store::close);
            this.privateIndex = PrivateIndex.open(store, identity);
            opened("the private index", privateIndex::close);
            this.workers = Executors.newFixedThreadPool(Math.max(2, CORES), namedDaemon("conch-worker"));
            opened("the worker pool", () -> shutDown(workers));
            this.validators = Executors.newFixedThreadPool(CORES, namedDaemon("conch-validate"));
            opened("the validation pool", () -> shutDown(validators));
            this.vertx = newVertx.get();
            opened("Vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            this.httpWorkers = new Workers(vertx.createSharedWorkerExecutor("conch-http-worker", Math.max(2, CORES)));
            this.replication = ReplicationService.start(store, ReplicationConfig.of(identity.id(), SignCap.NONE, workers)
                    .withValidationExecutor(validators).withHops(config.hops()));
            opened("replication", replication::close);
            this.social = new SocialIndex(identity.id());
            // its first task reads the whole log (seconds at a million messages): a thread of its own, not a worker
            ExecutorService socialThread = Executors.newSingleThreadExecutor(namedDaemon("conch-social-index"));
            opened("the social index thread", () -> shutDown(socialThread));
            opened("the social index", LiveSocialIndex.start(social, store, socialThread));
            MethodRegistry methods = ReplicationHandlers.register(new MethodRegistry(), replication);
            this.blobStore = dataDirectory.openBlobs(config);
            this.blobs = new BlobService(blobStore, workers);
            opened("the blob exchange", blobs::close);
            BlobHandlers.register(methods, blobs);
            // a room's members are the feeds its identity follows (`conch follow @ID`)
            this.room = config.room() == null ? null : new RoomService(identity.id(), config.room(),
                    feed -> replication.followGraph().follows(identity.id(), feed),
                    (millis, task) -> vertx.setTimer(millis, timer -> task.run()), System::nanoTime);
            // aliases need the web page they point at, and a restricted room has none (rooms 2)
            boolean withAliases = room != null && config.httpPort() != -1
                    && config.room().mode() != org.conch.gossip.room.PrivacyMode.RESTRICTED;
            if (withAliases) {
                AliasStore aliasStore = AliasStore.open(dataDirectory.root().resolve(AliasStore.DIRECTORY));
                opened("the room's aliases", aliasStore::close);
                this.aliasRoutes = new AliasRoutes(aliasStore, identity.id(), () -> pubAddress().toString(),
                        this::httpBaseUrl, workers);
                RoomHandlers.registerAliases(methods, room, aliasRoutes);
            } else {
                this.aliasRoutes = null;
            }
            // tunnels other attendants open to us through a room we attend (the client is made with the node, below)
            MethodRegistry.StreamHandler tunnelsToUs = (call, args, stream) -> roomClient().answer(call, args, stream);
            if (room != null) RoomHandlers.register(methods, room, config.httpPort() == -1 ? List.of()
                    : withAliases ? List.of("alias", "httpInvite") : List.of("httpInvite"), tunnelsToUs);
            else methods.duplex("tunnel.connect", MethodRegistry.Access.ANYONE, tunnelsToUs);
            // blobs that messages of replicated feeds refer to (avatars, images in posts) are fetched by themselves
            blobs.wantReferencedBlobs(store, feed -> replication.replicationSet().contains(feed));
            // and those of recent messages stored before this start, once the follow graph is loaded
            replication.ready().thenRun(() -> blobs.wantReferencedBlobsOfRecentMessages(store,
                    feed -> replication.replicationSet().contains(feed)));
            this.inviteStore = dataDirectory.openInvites();
            opened("the invites", inviteStore::close);
            InviteRedeemer redeemer = this.inviteRedeemer = new InviteRedeemer(inviteStore, identity.id(),
                    feed -> replication.followGraph().follows(identity.id(), feed), this::publishStored);
            // the listener reads the metrics field when a guest redeems, by which time it is set
            this.invites = new ServerInvites(inviteStore, redeemer, workers, () -> pubAddress().toString(),
                    new GuestMethods.RedemptionListener() {
                        @Override
                        public void redeemed() {
                            metrics.inviteRedeemed();
                        }

                        @Override
                        public void refused() {
                            metrics.inviteRefused();
                        }
                    });
            this.node = GossipNode.create(vertx, identity, config.gossip())
                    .muxrpcOptions(config.muxrpc())
                    .authorizer(invites.authorizer(feed -> room == null || room.admits(feed)))
                    .methods(invites.methods(connection -> methods))
                    .onConnection(connection -> {
                        if (invites.isGuest(connection)) return; // an invite's key: invite.use only, never replicated with
                        var peer = replication.attach(connection.session(), connection::runOnContext, connection.isClient());
                        var blobPeer = blobs.attach(connection.session(), connection::runOnContext);
                        var attendant = room == null ? null : room.attach(connection.session(), connection.remoteId(),
                                connection::runOnContext, connection::close);
                        if (connection.isClient()) roomClient().probe(connection); // a room we were told of?
                        connection.closeFuture().onComplete(closed -> {
                            peer.close();
                            blobPeer.close();
                            if (attendant != null) attendant.close();
                        });
                    });
            this.roomClient = new RoomClient(node, feed -> replication.replicationSet().contains(feed));
            vertx.setPeriodic(ROOM_RECHECK_MS, timer -> roomClient.reconsider());
            opened("the gossip connections", () -> node.close().toCompletionStage().toCompletableFuture()
                    .get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            this.metrics = new Metrics(node::connectionCount, store::messageCount, () -> replication.replicationSet().size(), blobStore);
            opened("the metrics", metrics::close);
            if (room != null) metrics.watchRoom(room);
            opened("counting appends", store.subscribe(stored -> metrics.messageAppended()));
            vertx.setPeriodic(METRICS_REFRESH_MS, timer -> replication.status().thenAccept(metrics::update));
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Opens the store of {@code dataDirectory}, starts gossip and (unless turned off) HTTP, and dials {@code connect}. */
    public static ConchServer start(ServerConfig config, DataDirectory dataDirectory) throws Exception {
        return start(config, dataDirectory, Vertx::vertx);
    }

    /**
     * {@link #start(ServerConfig, DataDirectory)} on the Vert.x instance {@code newVertx} makes (tests use one that
     * reports blocked event loops); the server owns it and closes it with the rest.
     */
    public static ConchServer start(ServerConfig config, DataDirectory dataDirectory, Supplier<Vertx> newVertx) throws Exception {
        ConchServer server = new ConchServer(config, dataDirectory, newVertx);
        try {
            server.warmUpValidation();
            server.gossipPort = await(server.node.listen());
            if (config.pub()) server.announcePub();
            if (config.lan() && !isLoopback(config.host())) server.startLan();
            if (config.httpPort() != -1) server.httpPort = server.startHttp();
            for (MultiserverAddress peer : config.connect()) server.keepConnected(peer);
            server.keepConnectedToJoinedPubs();
            server.writeServerFile();
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /** Remembers that {@code what} is open and how to close it, for {@link #close}. */
    private void opened(String what, AutoCloseable closer) {
        opened.push(new Opened(what, closer));
    }

    /**
     * Has the JIT compile the validation path in the background before peers send messages: a fresh
     * JVM checks its first tens of thousands of received messages several times slower otherwise.
     */
    private void warmUpValidation() {
        Thread warmUp = new Thread(() -> {
            long started = System.nanoTime();
            int valid = ValidationWarmUp.run(VALIDATION_WARM_UP_ROUNDS);
            if (valid != VALIDATION_WARM_UP_ROUNDS) {
                LOG.error("validation warm-up: only {} of {} throwaway messages validated", valid, VALIDATION_WARM_UP_ROUNDS);
            } else {
                LOG.debug("validation warm-up: {} messages in {} ms", valid, (System.nanoTime() - started) / 1_000_000);
            }
        }, "conch-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private void startLan() throws Exception {
        LanDiscovery lan = LanDiscovery.standard(vertx, identity, config.gossip(), gossipPort, this::dialLanPeer);
        opened("LAN discovery", () -> lan.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        await(lan.start());
    }

    /** Dials a peer heard on the LAN once, unless a connection to its key is already up. */
    private void dialLanPeer(MultiserverAddress peer) {
        if (closing || node.connections().stream().anyMatch(c -> peer.key().equals(c.remoteId()))) return;
        connectOnce(peer).onFailure(e -> LogEvents.peer(LOG.atInfo(), peer).addKeyValue("reason", e.getMessage())
                .log("could not connect to LAN peer {}: {}", peer, e.getMessage()));
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Serves the web client and the HTTP API; the route groups get what they use, nothing more. */
    private int startHttp() throws Exception {
        Peers peers = new Peers() {
            @Override
            public int connectionCount() {
                return node.connectionCount();
            }

            @Override
            public Future<?> dial(MultiserverAddress address, boolean keep) {
                return keep ? keepConnected(address) : connectOnce(address);
            }

            @Override
            public Future<?> dialTunnel(org.conch.gossip.room.TunnelAddress address) {
                return roomClient.connect(address);
            }
        };
        String token = dataDirectory.apiToken();
        List<ApiRoutes> routeGroups = List.of(
                new CoreRoutes(identity, store, replication, peers, this::status, metrics::scrape, httpWorkers,
                        content -> PrivateContent.sealIfPrivate(content, identity.id(), privateIndex::recipients)),
                new InviteRoutes(inviteStore, config.inviteLimits(), config.inviteEndpoint(gossipPort), identity, store,
                        config.gossip(), peers, httpWorkers),
                new BlobRoutes(blobStore, blobs, store, replication::replicationSet, config.blobMaxBytes(), httpWorkers),
                new TimelineRoutes(store, replication.followGraph(), identity.id(), httpWorkers, social),
                new SocialRoutes(social, store, replication.followGraph(), identity.id(), httpWorkers),
                new EventsRoutes(store, store, replication.followGraph(), identity.id(), social, workers),
                new PrivateRoutes(privateIndex, store, httpWorkers, workers),
                new StaticRoutes(token));
        if (room != null) {
            routeGroups = new java.util.ArrayList<>(routeGroups);
            // room invites share the pub's invite store; claiming one makes the room follow the newcomer
            routeGroups.add(new RoomInviteRoutes(inviteStore, config.inviteLimits(), inviteRedeemer,
                    () -> pubAddress().toString(), this::httpBaseUrl,
                    () -> replication.followGraph().followed(identity.id()), httpWorkers));
            if (aliasRoutes != null) routeGroups.add(aliasRoutes);
        }
        HttpApi api = new HttpApi(vertx, token, config.httpHost(), config.httpMaxRequestsPerSecond(), routeGroups);
        HttpServer http = vertx.createHttpServer().requestHandler(api.router());
        int port;
        try {
            port = await(http.listen(config.httpPort(), config.httpHost())).actualPort();
        } catch (Exception e) {
            if (!AddressInUse.isCauseOf(e)) throw e;
            throw new ServerException("HTTP port " + config.httpPort() + " on " + config.httpHost()
                    + " is in use (http-port; 0 picks a free one, -1 turns HTTP off)", e);
        }
        api.boundTo(port);
        return port;
    }

    /** How others reach this HTTP server: the public host with a pub, else the bound host (loopback for every interface). */
    private String httpBaseUrl() {
        String host = config.pub() ? config.publicHost()
                : config.httpHost().equals("0.0.0.0") || config.httpHost().equals("::") ? "127.0.0.1" : config.httpHost();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + httpPort;
    }

    /** {@code GET /api/status}: the identity, addresses, the store and blobs, connections and replication progress. */
    private Future<Map<String, Object>> status() {
        return Future.fromCompletionStage(replication.status(), vertx.getOrCreateContext())
                .compose(progress -> httpWorkers.run(() -> {
                    Map<String, Object> status = new LinkedHashMap<>();
                    status.put("id", identity.id().toString());
                    status.put("running", true);
                    status.put("address", address().toString());
                    status.put("httpPort", (double) httpPort);
                    status.put("pub", config.pub());
                    status.put("messages", (double) store.messageCount());
                    status.put("storeBytes", (double) dataDirectory.storeBytes());
                    status.put("blobs", (double) blobStore.count());
                    status.put("blobBytes", (double) blobStore.totalBytes());
                    status.put("connections", (double) node.connectionCount());
                    status.put("replication", progress.toJson());
                    status.put("rooms", roomClient.rooms());
                    return status;
                }));
    }

    // ------------------------------------------------------------------ what the CLI, benchmarks and tests look at

    public DataDirectory dataDirectory() {
        return dataDirectory;
    }

    public Identity identity() {
        return identity;
    }

    public H2FeedStore store() {
        return store;
    }

    public PrivateIndex privateIndex() {
        return privateIndex;
    }

    public ReplicationService replication() {
        return replication;
    }

    /** The blob files ({@code DATA/blobs/}). */
    public BlobStore blobStore() {
        return blobStore;
    }

    public GossipNode node() {
        return node;
    }

    /** The room server, or null when this server is not a room. */
    public RoomService room() {
        return room;
    }

    /** This peer as a client of the rooms it dialled. */
    public RoomClient roomClient() {
        return roomClient;
    }

    public int gossipPort() {
        return gossipPort;
    }

    /** The bound HTTP port, -1 when HTTP is off. */
    public int httpPort() {
        return httpPort;
    }

    /** This peer's address as others on this machine dial it. */
    public MultiserverAddress address() {
        String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
        return node.address(host);
    }

    /**
     * The address newcomers and members dial: the public host with a pub, else {@link #address()}.
     */
    public MultiserverAddress pubAddress() {
        return config.pub() ? node.address(config.publicHost()) : address();
    }

    /** Runs {@code work} (JDBC, signing, files) on the worker pool; for start-up and tests, never on an event loop's behalf. */
    private <T> Future<T> blocking(Callable<T> work) {
        Promise<T> promise = Promise.promise();
        workers.execute(() -> {
            try {
                promise.complete(work.call());
            } catch (Throwable e) {
                promise.fail(e);
            }
        });
        return promise.future();
    }

    /** Signs {@code content} as the local identity and appends it; completes once it is durable. */
    public Future<Message> publish(Object content) {
        return blocking(() -> store.publish(identity, content, SignCap.NONE));
    }

    /** Publishes on the calling (worker) thread and returns the message as stored, with its receive time. */
    private org.conch.feed.store.StoredMessage publishStored(Map<String, Object> content) {
        Message message = store.publish(identity, content, SignCap.NONE);
        return store.get(message.key()).orElseThrow();
    }

    /** The pub role: its address, and its name if it has one, each published unless the feed already says so. */
    private void announcePub() throws Exception {
        List<Map<String, Object>> missing = await(blocking(() -> PubMessages.missing(identity.id(),
                config.publicHost(), gossipPort, config.name(), this::readOwnFeed)));
        if (missing.isEmpty()) return;
        await(blocking(() -> store.publish(identity, missing, SignCap.NONE)));
        LOG.info("announced the pub at {}:{}{}", config.publicHost(), gossipPort,
                config.name() == null ? "" : " named " + config.name());
    }

    /** The pubs our feed announced after redeeming their invites: replicate with them as with --connect peers. */
    private void keepConnectedToJoinedPubs() throws Exception {
        List<MultiserverAddress> joined = await(blocking(() -> PubMessages.joinedPubs(identity.id(), this::readOwnFeed)));
        for (MultiserverAddress pub : joined) {
            if (!config.connect().contains(pub)) keepConnected(pub);
        }
    }

    private void readOwnFeed(java.util.function.Consumer<Message> reader) {
        store.forEachInFeed(identity.id(), 1, 0, stored -> reader.accept(stored.message()));
    }

    /**
     * Dials {@code peer} and keeps dialling it whenever it fails or drops, waiting as {@link RedialPolicy} says
     * (doubling up to a minute, a second again after a connection that lasted). The returned future is the first
     * attempt's outcome.
     */
    public Future<PeerConnection> keepConnected(MultiserverAddress peer) {
        if (!keptConnected.add(peer.toString())) {
            return connectOnce(peer); // a redial loop runs already: one more attempt now, not a second loop
        }
        Promise<PeerConnection> first = Promise.promise();
        dial(peer, new RedialPolicy(() -> ThreadLocalRandom.current().nextDouble()), first);
        return first.future();
    }

    /** Dials {@code peer} once; the connection replicates like any other until either side closes it. */
    public Future<PeerConnection> connectOnce(MultiserverAddress peer) {
        return node.connect(peer).onSuccess(connection -> LogEvents.peer(LOG.atInfo(), peer).log("connected to {}", peer));
    }

    private void dial(MultiserverAddress peer, RedialPolicy redial, Promise<PeerConnection> first) {
        if (closing) return;
        node.connect(peer).onComplete(result -> {
            if (first != null) first.handle(result);
            if (closing) return;
            if (result.succeeded()) {
                LogEvents.peer(LOG.atInfo(), peer).log("connected to {}", peer);
                long openedAt = System.nanoTime();
                result.result().closeFuture().onComplete(closed -> {
                    if (closing) return;
                    Duration wait = redial.afterDisconnect(Duration.ofNanos(System.nanoTime() - openedAt));
                    LogEvents.peer(LOG.atInfo(), peer).log("connection to {} closed; redialling in {} ms", peer, wait.toMillis());
                    vertx.setTimer(Math.max(1, wait.toMillis()), t -> dial(peer, redial, null));
                });
            } else {
                Duration wait = redial.afterFailedDial();
                LogEvents.peer(LOG.atInfo(), peer).addKeyValue("reason", result.cause().getMessage())
                        .log("could not connect to {}: {}; retrying in {} ms", peer, result.cause().getMessage(), wait.toMillis());
                vertx.setTimer(Math.max(1, wait.toMillis()), t -> dial(peer, redial, null));
            }
        });
    }

    // ------------------------------------------------------------------ the server file (CLI through a running server)

    private void writeServerFile() throws IOException {
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("pid", (double) ProcessHandle.current().pid());
        about.put("id", identity.id().toString());
        about.put("address", address().toString());
        about.put("httpHost", config.httpHost());
        about.put("httpPort", (double) httpPort);
        Path file = dataDirectory.serverFile();
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, CanonicalJson.compact(about) + "\n");
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        opened("the server file", () -> Files.deleteIfExists(file));
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Closes what {@link #start} opened, last opened first: the server file, LAN discovery, connections, metrics,
     * the invites, blob exchange, replication, Vert.x (with the HTTP server), the pools, and the store last. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closing) return;
        closing = true;
        LOG.info("conch is stopping");
        while (!opened.isEmpty()) {
            Opened next = opened.pop();
            try {
                next.closer().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("closing {}: interrupted", next.what());
            } catch (Exception e) {
                LOG.warn("closing {}: {}", next.what(), Failures.unwrap(e).toString());
            }
        }
    }

    private static void shutDown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Waits for a start-up step; its failure is thrown as it is, not wrapped in an ExecutionException. */
    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = Failures.unwrap(e);
            if (cause instanceof Exception exception) throw exception;
            throw e;
        }
    }

    private static ThreadFactory namedDaemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
