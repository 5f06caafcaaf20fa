package org.conch.server;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.json.Json;
import org.conch.server.bench.SyntheticFeeds;
import org.conch.server.cli.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receiving conch is SIGKILLed at random points while it replicates a large feed from another conch,
 * then restarted, again and again. After every kill `conch fsck` must find the store healthy (every feed
 * valid from sequence 1, no gap, every id indexed), holding at least everything it had reported stored,
 * with its recorded fork still there; in the end it holds the whole feed.
 * The short form runs in the suite; {@code -Dconch.crash.kills=100 -Dconch.crash.messages=50000} is the long one.
 */
class ReplicationCrashIT {
    private static final int MESSAGES = Integer.getInteger("conch.crash.messages", 10_000);
    private static final int KILLS = Integer.getInteger("conch.crash.kills", 3);

    @TempDir
    Path work;

    @Test
    void aReceiverKilledMidReplicationLosesNothingItStoredAndEndsWithTheWholeFeed() throws Exception {
        Path workload = work.resolve("feed.jsonl");
        SyntheticFeeds.write(workload, MESSAGES, 1, progress -> { });
        FeedId author = Identity.fromSeed(SyntheticFeeds.seed(0)).id();

        Path senderData = work.resolve("sender");
        run("--data", senderData.toString(), "init");
        run("--data", senderData.toString(), "import", workload.toString());
        run("--data", senderData.toString(), "follow", author.toString()); // the sender offers what it replicates

        Path receiverData = work.resolve("receiver");
        run("--data", receiverData.toString(), "init");
        run("--data", receiverData.toString(), "follow", author.toString());
        Path forked = work.resolve("forked.jsonl");
        java.nio.file.Files.write(forked, forkOfAnotherFeed());
        run("--data", receiverData.toString(), "import", forked.toString()); // records one fork

        SplittableRandom random = new SplittableRandom(Long.getLong("conch.crash.seed", System.nanoTime()));
        try (ConchServer sender = ConchServer.start(ServerConfig.load(senderData, Map.of(),
                Map.of("host", "127.0.0.1", "port", "0", "http-port", "-1", "lan", "false")), new DataDirectory(senderData))) {
            String address = sender.address().toString();
            long reported = 0;
            for (int kill = 1; kill <= KILLS; kill++) {
                Receiver receiver = Receiver.start(receiverData, address, work.resolve("receiver.log"));
                try {
                    // kill somewhere in the next stretch of replication, a random number of messages further
                    long target = Math.min(MESSAGES - 1, reported + 1 + random.nextInt(Math.max(1, MESSAGES / (KILLS + 1))));
                    reported = Math.max(reported, receiver.awaitAtLeast(author, target));
                } finally {
                    receiver.kill();
                }
                Map<String, Object> fsck = fsck(receiverData);
                assertThat(fsck.get("problems")).as("fsck after kill %d: %s", kill, fsck).isEqualTo(List.of());
                assertThat((Double) fsck.get("forks")).as("the recorded fork survives kill %d", kill).isEqualTo(1.0);
                // the receiver's own follow, the forked feed's two messages, and the author's messages it reported
                assertThat((Double) fsck.get("messages")).as("after kill %d", kill).isGreaterThanOrEqualTo(reported + 3.0);
            }
            Receiver last = Receiver.start(receiverData, address, work.resolve("receiver.log"));
            try {
                last.awaitAtLeast(author, MESSAGES);
            } finally {
                last.kill();
            }
        }
        Map<String, Object> fsck = fsck(receiverData);
        assertThat(fsck.get("healthy")).as("%s", fsck).isEqualTo(true);
        assertThat((Double) fsck.get("messages")).isEqualTo(MESSAGES + 3.0);
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
    private record Receiver(Process process, int httpPort, Path log) {
        static Receiver start(Path data, String senderAddress, Path log) throws IOException {
            int httpPort = freePort();
            Process process = new ProcessBuilder(javaCommand("--data", data.toString(), "--json", "serve", "--host", "127.0.0.1",
                    "--port", "0", "--http-port", String.valueOf(httpPort), "--no-lan", "--connect", senderAddress))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            BufferedReader out = process.inputReader(StandardCharsets.UTF_8);
            assertThat(out.readLine()).as("serve started; see %s", log).isNotNull();
            return new Receiver(process, httpPort, log);
        }

        /** Waits until the receiver reports the feed stored up to at least {@code sequence}; returns what it reported. */
        long awaitAtLeast(FeedId feed, long sequence) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + httpPort + "/health?feed=" + URLEncoder.encode(feed.toString(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            long held = 0;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) throw new AssertionError("the receiver exited; see " + log);
                String body = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
                held = ((Double) Json.parseObject(body).get("sequence")).longValue();
                if (held >= sequence) return held;
                Thread.sleep(20);
            }
            throw new AssertionError("the receiver holds " + held + " of " + sequence + " after 3 minutes; see " + log);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static Map<String, Object> fsck(Path data) throws Exception {
        Process fsck = new ProcessBuilder(javaCommand("--data", data.toString(), "--json", "fsck"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String report = new String(fsck.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(fsck.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return Json.parseObject(report);
    }

    private static void run(String... args) throws Exception {
        Process process = new ProcessBuilder(javaCommand(args)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("conch %s: %s", List.of(args), output).isZero();
    }

    private static List<String> javaCommand(String... args) {
        Path jar = Paths.get("target", "conch.jar").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
