package org.conch.server;

import org.conch.server.config.ServerConfig;
import org.conch.feed.FeedId;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.conch.feed.Identity;
import org.conch.testing.SyntheticFeeds;
import org.conch.server.config.DataDirectory;
import org.conch.testing.ConchProcess;
import org.conch.testing.RealPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receiving conch is SIGKILLed at random points while it replicates a large feed from another conch,
 * then restarted, again and again; every second kill is followed by one at a random moment of the next start-up,
 * while opening the store catches the indexes up with what the first kill left in the log. The receiver writes log
 * segments of 256 KiB, so that kills also land around segment rolls. After every kill `conch fsck` must find the
 * store healthy (every feed valid from sequence 1, no gap, every id indexed), holding at least everything it had
 * reported stored, with its recorded fork still there; in the end it holds the whole feed.
 * The short form runs in the suite; {@code -Dconch.crash.kills=100 -Dconch.crash.messages=50000} is the long one.
 */
class ReplicationCrashIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    private static final int MESSAGES = Integer.getInteger("conch.crash.messages", 10_000);
    private static final int KILLS = Integer.getInteger("conch.crash.kills", 3);
    private static final List<String> SMALL_SEGMENTS = List.of("-D" + DataDirectory.SEGMENT_BYTES_PROPERTY + "=" + (256 << 10));

    @TempDir
    Path work;

    @Test
    void aReceiverKilledMidReplicationLosesNothingItStoredAndEndsWithTheWholeFeed() throws Exception {
        Path workload = work.resolve("feed.jsonl");
        SyntheticFeeds.write(workload, MESSAGES, 1, progress -> { });
        FeedId author = Identity.fromSeed(SyntheticFeeds.seed(0)).id();

        ConchProcess conch = new ConchProcess(work, SMALL_SEGMENTS);
        Path senderData = work.resolve("sender");
        conch.run("--data", senderData.toString(), "init");
        conch.run("--data", senderData.toString(), "import", workload.toString());
        conch.run("--data", senderData.toString(), "follow", author.toString()); // the sender offers what it replicates

        Path receiverData = work.resolve("receiver");
        conch.run("--data", receiverData.toString(), "init");
        conch.run("--data", receiverData.toString(), "follow", author.toString());
        Path forked = work.resolve("forked.jsonl");
        Files.write(forked, forkOfAnotherFeed());
        conch.run("--data", receiverData.toString(), "import", forked.toString()); // records one fork

        long seed = Long.getLong("conch.crash.seed", System.nanoTime());
        System.out.println("ReplicationCrashIT seed " + seed + " (-Dconch.crash.seed=" + seed + " repeats the kill points)");
        SplittableRandom random = new SplittableRandom(seed);
        try (ConchServer sender = loops.start(ServerConfig.load(senderData, Map.of(),
                Map.of("host", "127.0.0.1", "port", "0", "http-port", "-1", "lan", "false")), new DataDirectory(senderData))) {
            String address = sender.address().toString();
            long reported = 0;
            for (int kill = 1; kill <= KILLS; kill++) {
                Receiver receiver = Receiver.start(conch, receiverData, address);
                try {
                    // kill somewhere in the next stretch of replication, a random number of messages further
                    long target = Math.min(MESSAGES - 1, reported + 1 + random.nextInt(Math.max(1, MESSAGES / (KILLS + 1))));
                    reported = Math.max(reported, receiver.awaitAtLeast(author, target));
                } finally {
                    receiver.kill();
                }
                if (kill % 2 == 0) {
                    // before fsck opens the store: a restart's catch-up has the log's unindexed tail to index
                    Receiver.launch(conch, receiverData, address).killDuringStartUp(Duration.ofMillis(random.nextInt(200, 2_000)));
                }
                Map<String, Object> fsck = conch.fsckReport(receiverData);
                assertThat(fsck.get("problems")).as("fsck after kill %d (seed %d): %s", kill, seed, fsck).isEqualTo(List.of());
                assertThat((Double) fsck.get("forks")).as("the recorded fork survives kill %d", kill).isEqualTo(1.0);
                // the receiver's own follow, the forked feed's two messages, and the author's messages it reported
                assertThat((Double) fsck.get("messages")).as("after kill %d", kill).isGreaterThanOrEqualTo(reported + 3.0);
            }
            Receiver last = Receiver.start(conch, receiverData, address);
            try {
                last.awaitAtLeast(author, MESSAGES);
            } finally {
                last.kill();
            }
        }
        Map<String, Object> fsck = conch.fsckReport(receiverData);
        assertThat(fsck.get("healthy")).as("%s", fsck).isEqualTo(true);
        assertThat((Double) fsck.get("messages")).isEqualTo(MESSAGES + 3.0);
        try (var segments = Files.list(receiverData.resolve("store").resolve("log"))) {
            assertThat(segments.filter(file -> file.toString().endsWith(".log")).count())
                    .as("log segments of 256 KiB: the kills had segment rolls to land around").isGreaterThan(MESSAGES / 1_000);
        }
    }

    /** A feed of two messages and a second, different message 2: importing it stores 1-2 and records the fork. */
    private static List<String> forkOfAnotherFeed() {
        Identity other = Identity.fromSeed(SyntheticFeeds.seed(77));
        org.conch.feed.Message first = org.conch.feed.MessageSigner.sign(other, null,
                Map.of("type", "post", "text", "one"), 1.6e12, org.conch.feed.SignCap.NONE);
        org.conch.feed.FeedState state = org.conch.feed.FeedState.of(first);
        org.conch.feed.Message second = org.conch.feed.MessageSigner.sign(other, state,
                Map.of("type", "post", "text", "two"), 1.6e12 + 1, org.conch.feed.SignCap.NONE);
        org.conch.feed.Message otherSecond = org.conch.feed.MessageSigner.sign(other, state,
                Map.of("type", "post", "text", "two, differently"), 1.6e12 + 2, org.conch.feed.SignCap.NONE);
        return List.of(first.compactJson(), second.compactJson(), otherSecond.compactJson());
    }

    /** A `conch serve` process that dials the sender; killed with SIGKILL. */
    private record Receiver(ConchProcess conch, Process process, int httpPort) {
        /** Starts {@code conch serve} and returns once it says it has started. */
        static Receiver start(ConchProcess conch, Path data, String senderAddress) throws Exception {
            Receiver receiver = launch(conch, data, senderAddress);
            assertThat(receiver.process.inputReader(StandardCharsets.UTF_8).readLine())
                    .as("serve started; log: %s", conch.serveLog()).isNotNull();
            return receiver;
        }

        /** Starts {@code conch serve} and returns at once, while it is still starting. */
        static Receiver launch(ConchProcess conch, Path data, String senderAddress) throws IOException {
            int httpPort = RealPeer.freePort();
            Process process = conch.startServer(List.of("--data", data.toString(), "--json", "serve", "--host", "127.0.0.1",
                    "--port", "0", "--http-port", String.valueOf(httpPort), "--no-lan", "--connect", senderAddress));
            return new Receiver(conch, process, httpPort);
        }

        /** Waits until the receiver reports the feed stored up to at least {@code sequence}; returns what it reported. */
        long awaitAtLeast(FeedId feed, long sequence) throws Exception {
            return conch.waitUntilConchHas(httpPort, process, feed.toString(), sequence, Duration.ofMinutes(3));
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        /** Kills it {@code after} its launch; it must still be running by then (a start-up that ends by itself fails). */
        void killDuringStartUp(Duration after) throws Exception {
            assertThat(process.waitFor(after.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the receiver ended by itself while starting; log: %s", conch.serveLog()).isFalse();
            kill();
        }
    }

}
