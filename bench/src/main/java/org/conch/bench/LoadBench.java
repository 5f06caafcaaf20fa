package org.conch.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.json.Json;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.conch.gossip.net.GossipConfig;
import org.conch.gossip.net.GossipNode;
import org.conch.gossip.net.PeerConnection;
import org.conch.server.ConchServer;
import org.conch.server.config.ServerConfig;
import org.conch.server.config.DataDirectory;
import org.conch.testing.RealPeer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 5's load figures: N concurrent SHS connections (default 1,000, each with its own fresh identity)
 * held to a conch server running in its own process ({@code java -jar conch.jar serve}), while the server
 * replicates its feed to one real replicating peer (an in-process conch that follows it) and its HTTP API
 * is polled. Reports the gossip.ping round trip over the held connections, the server's heap and open file
 * descriptors (from its {@code /metrics}), HTTP latency and replication latency. Prints figures; asserts
 * nothing.
 */
public final class LoadBench {
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final int CONNECT_BATCH = 50;
    private static final long PING_EVERY_MS = 5;
    private static final long HTTP_EVERY_MS = 50;
    private static final long PUBLISH_EVERY_MS = 200;
    private static final long METRICS_EVERY_MS = 2_000;

    private final int connections;
    private final int seconds;
    private final List<String> polled;
    private final Path work;
    private final Path jar;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private final List<Thread> loops = new ArrayList<>();
    private volatile boolean measuring = true;

    private LoadBench(int connections, int seconds, List<String> polled, Path work, Path jar) {
        this.connections = connections;
        this.seconds = seconds;
        this.polled = polled;
        this.work = work;
        this.jar = jar;
    }

    public static void main(String[] args) throws Exception {
        int connections = 1_000;
        int seconds = 30;
        List<String> polled = List.of("/health", "/api/status");
        Path work = Paths.get("target/bench");
        Path jar = Paths.get("pub-server/target/conch.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[++i].replace("_", ""));
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--poll" -> polled = List.of(args[++i].split(","));
                case "--work" -> work = Paths.get(args[++i]);
                case "--jar" -> jar = Paths.get(args[++i]);
                case "--interop" -> i++; // passed by scripts/bench to every suite
                default -> {
                    System.err.println("usage: LoadBench [--connections N] [--seconds S] [--poll /health,/api/status] [--work DIR] [--jar conch.jar]");
                    System.exit(2);
                }
            }
        }
        new LoadBench(connections, seconds, polled, work, jar).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Path root = Files.createTempDirectory(work.toAbsolutePath(), "load-");
        System.out.printf(Locale.ROOT, "conch load benchmark: %d cores, %s; this process may open %s files; load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + Runtime.version(),
                openFileLimit(), loadAverage());
        Path serverData = root.resolve("server");
        Process server = serve(serverData, root.resolve("server.log"));
        Vertx clientVertx = Vertx.vertx();
        GossipNode clients = GossipNode.create(clientVertx, Identity.generate(), GossipConfig.defaults().withHost("127.0.0.1")
                .withPort(0).withMaxConnections(connections + 10).withMaxConnectionsPerAddress(connections + 10));
        ConchServer replica = null;
        try {
            Map<String, Object> served = Json.parseObject(readFirstLine(server, root.resolve("server.log")));
            MultiserverAddress address = MultiserverAddress.parse((String) served.get("address"));
            int httpPort = ((Number) served.get("httpPort")).intValue();
            String token = Files.readString(serverData.resolve("api-token")).strip();
            System.out.printf(Locale.ROOT, "server: %s, pid %d, log %s%n", address, server.pid(), root.resolve("server.log"));

            replica = startReplica(root.resolve("replica"), address);
            Replication replication = new Replication(replica, address.key());

            long t0 = System.nanoTime();
            List<Pinger> pingers = connectAll(clients, address);
            double connectSeconds = (System.nanoTime() - t0) / 1e9;
            int serverCount = ((Number) Json.parseObject(get(httpPort, "/health").body()).get("peers")).intValue();
            System.out.printf(Locale.ROOT, "connected %,d of %,d in %.1f s (%,.0f handshakes/s); the server counts %,d connections "
                            + "(the held ones and the replicating peer)%n",
                    pingers.size(), connections, connectSeconds, pingers.size() / connectSeconds, serverCount);

            Samples pings = new Samples();
            Samples lateness = new Samples();
            Samples httpLatency = new Samples();
            AtomicInteger httpFailures = new AtomicInteger();
            List<double[]> metrics = new ArrayList<>();
            loop("ping", PING_EVERY_MS, lateness, new Runnable() {
                int next;

                @Override
                public void run() {
                    if (!pingers.isEmpty()) pingers.get(next++ % pingers.size()).ping(pings);
                }
            });
            loop("http", HTTP_EVERY_MS, null, new Runnable() {
                int next;

                @Override
                public void run() {
                    String path = polled.get(next++ % polled.size());
                    long start = System.nanoTime();
                    try {
                        if (get(httpPort, path).statusCode() == 200) {
                            httpLatency.add(System.nanoTime() - start);
                            return;
                        }
                    } catch (Exception e) {
                        // counted below
                    }
                    httpFailures.incrementAndGet();
                }
            });
            loop("publish", PUBLISH_EVERY_MS, null, () -> replication.publish(httpPort, token));
            loop("metrics", METRICS_EVERY_MS, null, () -> {
                try {
                    double[] sample = scrape(get(httpPort, "/metrics").body());
                    synchronized (metrics) {
                        metrics.add(sample);
                    }
                } catch (Exception e) {
                    httpFailures.incrementAndGet();
                }
            });
            Thread.sleep(seconds * 1000L);
            measuring = false;
            for (Thread loop : loops) loop.join(HTTP_TIMEOUT.toMillis() * 2);
            long stillOpen = pingers.stream().filter(p -> p.connection.isOpen()).count();
            int serverAfter = ((Number) Json.parseObject(get(httpPort, "/health").body()).get("peers")).intValue();

            System.out.printf(Locale.ROOT, "over %d s: %,d of %,d connections still open (server counts %,d); load average %s "
                    + "(other work on this machine shows in the latencies)%n", seconds, stillOpen, pingers.size(), serverAfter, loadAverage());
            System.out.printf(Locale.ROOT, "gossip.ping round trip over the held connections: %,d pings, p50 %.2f ms, p99 %.2f ms, "
                    + "max %.2f ms (target: p99 under 50 ms)%n", pings.count(), pings.ms(0.50), pings.ms(0.99), pings.ms(1.0));
            System.out.printf(Locale.ROOT, "  (for scale: the bench's own ping thread woke late by p50 %.2f ms, p99 %.2f ms, max %.2f ms)%n",
                    lateness.ms(0.50), lateness.ms(0.99), lateness.ms(1.0));
            System.out.printf(Locale.ROOT, "HTTP GET " + String.join(" and ", polled) + ": %,d answered, %d failed, p50 %.2f ms, p99 %.2f ms%n",
                    httpLatency.count(), httpFailures.get(), httpLatency.ms(0.50), httpLatency.ms(0.99));
            replication.report();
            synchronized (metrics) {
                double maxHeap = metrics.stream().mapToDouble(m -> m[0]).max().orElse(Double.NaN);
                double lastHeap = metrics.isEmpty() ? Double.NaN : metrics.get(metrics.size() - 1)[0];
                double maxFiles = metrics.stream().mapToDouble(m -> m[1]).max().orElse(Double.NaN);
                double fileLimit = metrics.isEmpty() ? Double.NaN : metrics.get(0)[2];
                System.out.printf(Locale.ROOT, "server heap used (jvm_memory_used_bytes, area heap): max %.0f MiB, last %.0f MiB "
                                + "over %d samples (target: under 512 MiB); open files (process_files_open_files): max %.0f "
                                + "of a limit of %.0f%n",
                        maxHeap / 1048576, lastHeap / 1048576, metrics.size(), maxFiles, fileLimit);
            }
        } finally {
            measuring = false;
            await(clients.close());
            await(clientVertx.close());
            if (replica != null) replica.close();
            server.destroy();
            if (!server.waitFor(15, TimeUnit.SECONDS)) server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ the held connections

    /** One held connection with a gossip.ping duplex open on it; one ping in flight at most. */
    private static final class Pinger implements StreamListener {
        final PeerConnection connection;
        private Substream stream;
        private long sentAt;
        private Samples into;

        Pinger(PeerConnection connection) {
            this.connection = connection;
        }

        void open() {
            connection.runOnContext(() -> {
                Map<String, Object> options = new LinkedHashMap<>();
                options.put("timeout", 300_000.0);
                stream = connection.session().duplex("gossip.ping", List.of(options), this);
            });
        }

        void ping(Samples samples) {
            connection.runOnContext(() -> {
                if (stream == null || sentAt != 0 || !connection.isOpen()) return;
                into = samples;
                sentAt = System.nanoTime();
                stream.write((double) System.currentTimeMillis());
            });
        }

        @Override
        public void onItem(Substream s, Object item) {
            if (sentAt != 0) {
                into.add(System.nanoTime() - sentAt);
                sentAt = 0;
            }
        }

        @Override
        public void onEnd(Substream s, GossipException error) {
            stream = null;
        }
    }

    private List<Pinger> connectAll(GossipNode clients, MultiserverAddress address) throws Exception {
        List<Pinger> pingers = new ArrayList<>();
        int failed = 0;
        String firstFailure = null;
        for (int i = 0; i < connections; i += CONNECT_BATCH) {
            List<Future<PeerConnection>> batch = new ArrayList<>();
            for (int j = i; j < Math.min(connections, i + CONNECT_BATCH); j++) {
                batch.add(clients.connect(address, Identity.generate()));
            }
            for (Future<PeerConnection> connecting : batch) {
                try {
                    Pinger pinger = new Pinger(await(connecting));
                    pinger.open();
                    pingers.add(pinger);
                } catch (Exception e) {
                    failed++;
                    if (firstFailure == null) firstFailure = String.valueOf(e.getCause() != null ? e.getCause() : e);
                }
            }
        }
        if (failed > 0) System.out.printf(Locale.ROOT, "%,d connections failed; the first: %s%n", failed, firstFailure);
        return pingers;
    }

    // ------------------------------------------------------------------ replication to a real peer

    /** The server publishes (through its HTTP API); the replica must store each message. */
    private final class Replication {
        private final ConchServer replica;
        private final Map<Long, Long> publishedAt = new ConcurrentHashMap<>();
        private final Samples latency = new Samples();
        private final AtomicLong published = new AtomicLong();
        private final AtomicInteger failures = new AtomicInteger();

        Replication(ConchServer replica, FeedId author) {
            this.replica = replica;
            replica.store().subscribe(stored -> {
                if (!stored.message().author().equals(author)) return;
                Long at = publishedAt.remove(stored.message().sequence());
                if (at != null) latency.add(System.nanoTime() - at);
            });
        }

        /** One post on the server's feed; published one at a time, so its sequence is the count. */
        void publish(int httpPort, String token) {
            long sequence = published.get() + 1;
            publishedAt.put(sequence, System.nanoTime()); // before: the replica may store it before the answer comes
            try {
                String body = "{\"content\":{\"type\":\"post\",\"text\":\"load " + sequence + "\"}}";
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                                + "/api/publish")).timeout(HTTP_TIMEOUT).header("X-Conch-Token", token)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    published.set(sequence);
                    return;
                }
            } catch (Exception e) {
                // counted below
            }
            publishedAt.remove(sequence);
            failures.incrementAndGet();
        }

        void report() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!publishedAt.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            System.out.printf(Locale.ROOT, "replication to the replicating peer meanwhile: %,d published (%d failed), %,d stored "
                            + "there, publish-to-stored p50 %.1f ms, p99 %.1f ms%n",
                    published.get(), failures.get(), latency.count(), latency.ms(0.50), latency.ms(0.99));
        }
    }

    private static ConchServer startReplica(Path data, MultiserverAddress server) throws Exception {
        Files.createDirectories(data);
        Identity.generate().save(data.resolve("secret"));
        ConchServer replica = ConchServer.start(ServerConfig.load(data, Map.of(), Map.of("host", "127.0.0.1", "port", "0",
                "http-port", "-1", "lan", "false")), new DataDirectory(data));
        Map<String, Object> follow = new LinkedHashMap<>();
        follow.put("type", "contact");
        follow.put("contact", server.key().toString());
        follow.put("following", true);
        await(replica.publish(follow));
        await(replica.keepConnected(server));
        return replica;
    }

    // ------------------------------------------------------------------ the server process

    private Process serve(Path data, Path log) throws IOException {
        String extra = System.getenv().getOrDefault("CONCH_LOAD_SERVER_JAVA_OPTS", "");
        List<String> command = new ArrayList<>(List.of("java"));
        if (!extra.isBlank()) command.addAll(List.of(extra.trim().split("\\s+")));
        command.addAll(List.of("-jar", jar.toString(), "--data", data.toString(), "--json", "serve", "--init",
                "--host", "127.0.0.1", "--port", String.valueOf(RealPeer.freePort()), "--http-port", String.valueOf(RealPeer.freePort()),
                "--no-lan", "--max-connections", String.valueOf(connections + 100),
                "--max-connections-per-address", String.valueOf(connections + 100),
                // the bench polls as fast as it can: measure the server, not its rate limit
                "--http-max-requests-per-second", "0"));
        return new ProcessBuilder(command).redirectError(log.toFile()).start();
    }

    private static String readFirstLine(Process process, Path log) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) throw new IllegalStateException("conch serve exited: " + Files.readString(log));
        ReplicationBench.drain(out);
        return line;
    }

    private HttpResponse<String> get(int httpPort, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(HTTP_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {heap bytes used (summed over heap pools), open files, the file limit} from a Prometheus scrape. */
    static double[] scrape(String text) {
        double heap = 0;
        double files = Double.NaN;
        double maxFiles = Double.NaN;
        for (String line : text.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("process_files_open_files ")) {
                files = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("process_files_max_files ")) {
                maxFiles = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new double[]{heap, files, maxFiles};
    }

    // ------------------------------------------------------------------ plumbing

    /**
     * Runs {@code body} every {@code everyMs} on its own thread until the measurement ends; {@code lateness}
     * (if not null) gets how late each run started: this process's share of the machine's scheduling delays.
     */
    private void loop(String name, long everyMs, Samples lateness, Runnable body) {
        Thread thread = new Thread(() -> {
            long next = System.nanoTime();
            while (measuring) {
                if (lateness != null) lateness.add(Math.max(0, System.nanoTime() - next));
                body.run();
                next += TimeUnit.MILLISECONDS.toNanos(everyMs);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                } else {
                    next = System.nanoTime();
                }
            }
        }, "load-" + name);
        thread.setDaemon(true);
        loops.add(thread);
        thread.start();
    }

    /** Durations in nanoseconds from any thread. */
    private static final class Samples {
        private final ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();

        void add(long value) {
            nanos.add(value);
        }

        int count() {
            return nanos.size();
        }

        double ms(double quantile) {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length == 0) return Double.NaN;
            return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
        }
    }

    /** The 1, 5 and 15 minute load averages, from /proc/loadavg. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Paths.get("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String openFileLimit() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) return line.replaceAll("\\s+", " ").split(" ")[3];
            }
        } catch (IOException e) {
            // not Linux
        }
        return "?";
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
