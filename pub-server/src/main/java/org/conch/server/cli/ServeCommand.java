package org.conch.server.cli;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.conch.feed.Identity;
import org.conch.feed.SignCap;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.feed.store.H2FeedStore;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.net.GossipConfig;
import org.conch.gossip.net.GossipNode;
import org.conch.gossip.net.PeerConnection;
import org.conch.gossip.replication.ReplicationConfig;
import org.conch.gossip.replication.ReplicationHandlers;
import org.conch.gossip.replication.ReplicationService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

@Command(name = "serve",
        header = "Run the peer: gossip on --port, a health endpoint on --http-port.",
        description = {
                "Listens for Scuttlebutt peers (secret handshake, box-stream, muxrpc) and replicates with every "
                        + "connected peer the feeds of the local identity's follow graph up to --hops, by EBT when the "
                        + "peer has it and by history streams when it does not.",
                "Keeps dialling each --connect address (with backoff) while it runs. Stops cleanly on SIGTERM or Ctrl-C."})
final class ServeCommand extends VerbCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    private static final long FIRST_RETRY_MS = 1_000;
    private static final long MAX_RETRY_MS = 60_000;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on for peers (default: ${DEFAULT-VALUE}).")
    private String host = GossipConfig.DEFAULT_HOST;

    @Option(names = "--port", paramLabel = "PORT", description = "Port for peers (default: ${DEFAULT-VALUE}).")
    private int port = GossipConfig.DEFAULT_PORT;

    @Option(names = "--http-host", paramLabel = "HOST", description = "Address of the HTTP endpoint (default: ${DEFAULT-VALUE}).")
    private String httpHost = "127.0.0.1";

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of the HTTP endpoint (GET /health[?feed=@ID]); -1 turns it off, 0 picks a free port (default: ${DEFAULT-VALUE}).")
    private int httpPort = 8807;

    @Option(names = "--hops", paramLabel = "N", description = "Replicate feeds up to N follows away (default: ${DEFAULT-VALUE}).")
    private int hops = 2;

    @Option(names = "--connect", paramLabel = "ADDRESS",
            description = "A peer to keep connected to, as net:HOST:PORT~shs:KEY (repeatable).")
    private List<String> connect = new ArrayList<>();

    @Option(names = "--network-key", paramLabel = "BASE64",
            description = "The secret-handshake network key of a test network (default: the main network's).")
    private String networkKey;

    @Option(names = "--init", description = "Create the data directory and a new identity first if it has none.")
    private boolean init;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) throw wrongArgument("--port must be between 0 and 65535, got " + port);
        if (httpPort < -1 || httpPort > 65535) throw wrongArgument("--http-port must be between -1 and 65535, got " + httpPort);
        if (hops < 0 || hops > 10) throw wrongArgument("--hops must be between 0 and 10, got " + hops);
        List<MultiserverAddress> peers = new ArrayList<>();
        for (String address : connect) {
            peers.add(MultiserverAddress.parse(address));
        }
        GossipConfig gossipConfig = GossipConfig.defaults().withHost(host).withPort(port);
        if (networkKey != null) {
            byte[] key = Base64.getDecoder().decode(networkKey);
            if (key.length != 32) throw wrongArgument("--network-key must be base64 of 32 bytes");
            gossipConfig = gossipConfig.withNetworkKey(key);
        }

        if (init && !dataDirectory().hasIdentity()) {
            Identity created = Identity.generate();
            dataDirectory().create();
            created.save(dataDirectory().secretFile());
            err().println("conch: created identity " + created.id() + " in " + dataDirectory().root());
        }
        Identity identity = dataDirectory().identity();
        H2FeedStore store = dataDirectory().openStore();
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                namedDaemon("conch-worker"));
        Vertx vertx = Vertx.vertx();
        ReplicationService replication = ReplicationService.start(store,
                ReplicationConfig.of(identity.id(), SignCap.NONE, workers).withHops(hops));
        MethodRegistry methods = ReplicationHandlers.register(new MethodRegistry(), replication);
        GossipNode node = GossipNode.create(vertx, identity, gossipConfig)
                .methods(methods)
                .onConnection(connection -> {
                    var peer = replication.attach(connection.session(), connection::runOnContext, connection.isClient());
                    connection.closeFuture().onComplete(closed -> peer.close());
                });

        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            LOG.info("conch is stopping");
            try {
                node.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("closing connections: {}", e.toString());
            }
            replication.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            workers.shutdown();
            store.close();
            stopped.countDown();
        };
        Thread hook = new Thread(shutdown, "conch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        int boundPort = node.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        int boundHttpPort = httpPort == -1 ? -1 : startHealth(vertx, identity, store, node, replication);
        for (MultiserverAddress peer : peers) {
            keepConnected(vertx, node, peer, FIRST_RETRY_MS);
        }

        String address = "net:" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + boundPort + "~shs:" + identity.id().base64();
        if (json()) {
            Map<String, Object> started = new LinkedHashMap<>();
            started.put("id", identity.id().toString());
            started.put("address", address);
            started.put("port", (double) boundPort);
            started.put("httpPort", (double) boundHttpPort);
            printJson(started);
        } else {
            out().println("conch serving " + identity.id() + " at " + address
                    + (boundHttpPort == -1 ? "" : ", health on http://" + httpHost + ":" + boundHttpPort + "/health"));
        }
        out().flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private int startHealth(Vertx vertx, Identity identity, H2FeedStore store, GossipNode node, ReplicationService replication)
            throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            if (!request.path().equals("/health")) {
                request.response().setStatusCode(404).end();
                return;
            }
            Map<String, Object> health = new LinkedHashMap<>();
            health.put("status", "ok");
            health.put("id", identity.id().toString());
            health.put("messages", (double) store.messageCount());
            health.put("peers", (double) node.connectionCount());
            health.put("replicating", (double) replication.replicationSet().size());
            String feed = request.getParam("feed");
            if (feed != null) {
                // ?feed=@ID adds how far the store holds that feed (from memory: no query on the event loop).
                org.conch.feed.FeedId id = org.conch.feed.FeedId.tryParse(feed).orElse(null);
                if (id == null) {
                    request.response().setStatusCode(400).end("feed is not a feed id: " + feed);
                    return;
                }
                health.put("sequence", (double) store.state(id).map(org.conch.feed.FeedState::sequence).orElse(0L));
            }
            request.response().putHeader("content-type", "application/json")
                    .end(org.conch.feed.json.CanonicalJson.compact(health));
        });
        return server.listen(httpPort, httpHost).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
    }

    /** Dials {@code peer}, and again with doubling delays (up to a minute) whenever it fails or drops. */
    private static void keepConnected(Vertx vertx, GossipNode node, MultiserverAddress peer, long retryMs) {
        node.connect(peer).onComplete(result -> {
            if (result.succeeded()) {
                PeerConnection connection = result.result();
                LOG.info("connected to {}", peer);
                connection.closeFuture().onComplete(closed -> vertx.setTimer(FIRST_RETRY_MS,
                        t -> keepConnected(vertx, node, peer, FIRST_RETRY_MS)));
            } else {
                LOG.info("could not connect to {}: {}; retrying in {} s", peer, result.cause().getMessage(), retryMs / 1000);
                vertx.setTimer(retryMs, t -> keepConnected(vertx, node, peer, Math.min(MAX_RETRY_MS, retryMs * 2)));
            }
        });
    }

    private static java.util.concurrent.ThreadFactory namedDaemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
