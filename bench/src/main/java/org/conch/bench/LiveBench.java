package org.conch.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.SignCap;
import org.conch.feed.store.H2FeedStore;
import org.conch.gossip.net.GossipConfig;
import org.conch.gossip.net.GossipNode;
import org.conch.gossip.net.PeerConnection;
import org.conch.server.ConchServer;
import org.conch.server.config.ServerConfig;
import org.conch.server.config.DataDirectory;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Two figures of issue 3 that a throughput run does not show: how long a message appended on one conch
 * takes to be stored by a connected conch (one message at a time, so it is latency, not queueing), and how
 * much heap an idle connected peer costs. Prints figures; asserts nothing.
 */
public final class LiveBench {
    private LiveBench() {
    }

    public static void main(String[] args) throws Exception {
        int messages = 500;
        int idle = 500;
        Path work = Paths.get("target/bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i].replace("_", ""));
                case "--idle" -> idle = Integer.parseInt(args[++i].replace("_", ""));
                case "--work" -> work = Paths.get(args[++i]);
                case "--interop", "--jar" -> i++; // passed by scripts/bench to every suite
                default -> {
                    System.err.println("usage: LiveBench [--messages N] [--idle K] [--work DIR]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(work);
        Path root = Files.createTempDirectory(work.toAbsolutePath(), "live-");
        System.out.printf(Locale.ROOT, "conch live benchmark: %d cores, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version());
        Identity alice = initialise(root.resolve("alice"));
        Identity bob = initialise(root.resolve("bob"));
        try (H2FeedStore bobsStore = H2FeedStore.open(root.resolve("bob").resolve("store"))) {
            Map<String, Object> follow = new LinkedHashMap<>();
            follow.put("type", "contact");
            follow.put("contact", alice.id().toString());
            follow.put("following", true);
            bobsStore.publish(bob, follow, SignCap.NONE);
        }
        try (ConchServer aliceServer = ConchServer.start(config(root.resolve("alice")), new DataDirectory(root.resolve("alice")));
             ConchServer bobServer = ConchServer.start(config(root.resolve("bob")), new DataDirectory(root.resolve("bob")))) {
            latency(aliceServer, bobServer, alice.id(), messages);
            idleMemory(bobServer, idle);
        }
        System.exit(0);
    }

    private static void latency(ConchServer alice, ConchServer bob, FeedId aliceId, int messages) throws Exception {
        Map<Long, Long> storedAt = new ConcurrentHashMap<>();
        Map<Long, CountDownLatch> waiting = new ConcurrentHashMap<>();
        try (AutoCloseable watching = bob.store().subscribe(stored -> {
            if (!stored.message().author().equals(aliceId)) return;
            storedAt.put(stored.message().sequence(), System.nanoTime());
            CountDownLatch latch = waiting.get(stored.message().sequence());
            if (latch != null) latch.countDown();
        })) {
            await(bob.connectOnce(alice.address()));
            // a first message settles EBT's clocks on both sides before measuring
            long[] nanos = new long[messages];
            for (int i = 0; i <= messages; i++) {
                long sequence = i + 1;
                CountDownLatch latch = new CountDownLatch(1);
                waiting.put(sequence, latch);
                Map<String, Object> post = new LinkedHashMap<>();
                post.put("type", "post");
                post.put("text", "live #" + sequence);
                alice.store().publish(alice.identity(), post, SignCap.NONE);
                long appended = System.nanoTime();
                if (!latch.await(10, TimeUnit.SECONDS) && !storedAt.containsKey(sequence)) {
                    throw new IllegalStateException("message " + sequence + " never reached the other conch");
                }
                if (i > 0) nanos[i - 1] = storedAt.get(sequence) - appended;
            }
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "live propagation conch -> conch, %d messages one at a time, from durable append "
                            + "to durably stored on the other side: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (target: under 100 ms)%n",
                    messages, ms(nanos, 0.50), ms(nanos, 0.90), ms(nanos, 0.99), nanos[messages - 1] / 1e6);
        }
    }

    /** Heap with {@code count} idle peers connected (and replicating nothing) minus heap without, per peer. */
    private static void idleMemory(ConchServer server, int count) throws Exception {
        Vertx clientVertx = Vertx.vertx();
        GossipNode clients = GossipNode.create(clientVertx, Identity.generate(),
                GossipConfig.defaults().withHost("127.0.0.1").withPort(0).withMaxConnections(count + 10)
                        .withMaxConnectionsPerAddress(count + 10));
        List<Identity> identities = new ArrayList<>();
        for (int i = 0; i < count; i++) identities.add(Identity.generate());
        long before = settledHeap();
        List<PeerConnection> open = new ArrayList<>();
        for (int i = 0; i < count; i += 50) {
            List<Future<PeerConnection>> batch = new ArrayList<>();
            for (int j = i; j < Math.min(count, i + 50); j++) batch.add(clients.connect(server.address(), identities.get(j)));
            for (Future<PeerConnection> connection : batch) open.add(await(connection));
        }
        Thread.sleep(3_000); // let every connection's replication start (EBT offer, clocks) and go idle
        long after = settledHeap();
        int serverSide = server.node().connectionCount();
        System.out.printf(Locale.ROOT, "idle peers: %d connected (server counts %d); heap %.1f MiB -> %.1f MiB: %.1f KiB per idle peer, "
                        + "both ends of each connection counted (target: under 64 KiB)%n",
                open.size(), serverSide, before / 1048576.0, after / 1048576.0, (after - before) / 1024.0 / open.size());
        await(clients.close());
        await(clientVertx.close());
    }

    private static long settledHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double ms(long[] sortedNanos, double quantile) {
        return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.floor(quantile * sortedNanos.length))] / 1e6;
    }

    private static Identity initialise(Path data) throws Exception {
        Files.createDirectories(data);
        Identity identity = Identity.generate();
        identity.save(data.resolve("secret"));
        return identity;
    }

    private static ServerConfig config(Path data) {
        return ServerConfig.load(data, Map.of(), Map.of("host", "127.0.0.1", "port", "0", "http-port", "-1", "lan", "false",
                "max-connections", "5000", "max-connections-per-address", "5000"));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
