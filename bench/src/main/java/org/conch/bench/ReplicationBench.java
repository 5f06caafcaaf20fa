package org.conch.bench;

import org.conch.feed.Identity;
import org.conch.feed.json.Json;
import org.conch.testing.RealPeer.Stack;
import org.conch.testing.RealPeer;
import org.conch.testing.SyntheticFeeds;

import java.io.BufferedReader;
import java.io.File;
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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code scripts/bench replication}: messages/s of replicating one feed of N messages over loopback,
 * (a) from a real ssb-server peer into conch, (b) from conch into conch, (c) between two real peers of
 * the same stack (ssb-server, Manyverse). Each leg times from the start of the connection until the
 * receiving side holds all N; loading the sending side is not counted. Prints figures; asserts nothing.
 */
public final class ReplicationBench {
    private final int messages;
    private final Path work;
    private final Path interop;
    private final Path jar;
    private final long timeoutMs;
    /** How long one /health poll may take before the bench reports the server as not answering. */
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Which legs to measure: conch (b) from a fresh receiver, warm (b) into a receiver that has just
     * replicated another feed, and each real stack both into conch (a) and into itself (c).
     */
    static final Set<String> ALL_LEGS = Set.of("conch", "warm", "classic", "manyverse");
    private final Set<String> legs;
    /** Messages of the feed a warm receiver replicates before the measured one. */
    private final int warmUp;
    private final List<Process> processes = new ArrayList<>();
    private final List<RealPeer> peers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ReplicationBench(int messages, int warmUp, Path work, Path interop, Path jar, Set<String> legs) {
        if (!ALL_LEGS.containsAll(legs)) throw new IllegalArgumentException("--legs takes " + ALL_LEGS + ", got " + legs);
        if (warmUp < 1) throw new IllegalArgumentException("--warm-up takes a number of messages of at least 1, got " + warmUp);
        this.legs = legs;
        this.warmUp = warmUp;
        this.messages = messages;
        this.work = work;
        this.interop = interop;
        this.jar = jar;
        this.timeoutMs = Math.max(120_000L, messages * 10L);
    }

    public static void main(String[] args) throws Exception {
        int messages = 20_000;
        Integer warmUp = null;
        Set<String> legs = ALL_LEGS;
        Path work = Paths.get("target/bench");
        Path interop = Paths.get("scripts/interop");
        Path jar = Paths.get("pub-server/target/conch.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i].replace("_", ""));
                case "--work" -> work = Paths.get(args[++i]);
                case "--interop" -> interop = Paths.get(args[++i]);
                case "--jar" -> jar = Paths.get(args[++i]);
                case "--warm-up" -> warmUp = Integer.parseInt(args[++i].replace("_", ""));
                case "--legs" -> legs = Set.of(args[++i].split(","));
                default -> {
                    System.err.println("usage: ReplicationBench [--messages N] [--warm-up N] [--legs conch,warm,classic,manyverse]"
                            + " [--work DIR] [--interop DIR] [--jar FILE]");
                    System.exit(2);
                }
            }
        }
        ReplicationBench bench = new ReplicationBench(messages, warmUp == null ? Math.max(1, messages / 2) : warmUp, work.toAbsolutePath(), interop.toAbsolutePath(), jar.toAbsolutePath(), legs);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::killAll));
        bench.run();
        System.exit(0);
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(work);
        System.out.printf(Locale.ROOT, "conch replication benchmark: one feed of %,d messages over loopback, %d cores, %s%n",
                messages, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + Runtime.version());
        Path file = workload("replication-" + messages + ".jsonl", messages, 0);
        String author = Identity.fromSeed(SyntheticFeeds.seed(0)).id().toString();
        System.out.println("workload: " + file + ", author " + author);

        Map<String, Outcome> results = new LinkedHashMap<>();
        if (legs.contains("conch")) leg(results, "(b) conch -> conch", () -> conchToConch(file, author));
        if (legs.contains("warm")) {
            Path warmFile = workload("replication-warm-up-" + warmUp + ".jsonl", warmUp, 1);
            String warmAuthor = Identity.fromSeed(SyntheticFeeds.seed(1)).id().toString();
            leg(results, "(b) conch -> conch, warm receiver", () -> conchToWarmConch(file, author, warmFile, warmAuthor));
        }
        if (legs.contains("classic")) leg(results, "(a) ssb-server 16 -> conch", () -> realToConch(Stack.CLASSIC, file, author));
        if (legs.contains("manyverse")) leg(results, "(a) manyverse -> conch", () -> realToConch(Stack.MANYVERSE, file, author));
        if (legs.contains("classic")) leg(results, "(c) ssb-server 16 -> ssb-server 16", () -> realToReal(Stack.CLASSIC, file, author));
        if (legs.contains("manyverse")) leg(results, "(c) manyverse -> manyverse", () -> realToReal(Stack.MANYVERSE, file, author));

        System.out.println();
        System.out.printf("%-36s %14s %24s%n", "leg", "messages/s", "receiver CPU us/message");
        for (var e : results.entrySet()) {
            Outcome outcome = e.getValue();
            System.out.printf("%-36s %14s %24s%n", e.getKey(),
                    Double.isNaN(outcome.perSecond()) ? "failed" : String.format(Locale.ROOT, "%,.0f", outcome.perSecond()),
                    Double.isNaN(outcome.receiverCpuMicros()) ? "n/a" : String.format(Locale.ROOT, "%,.0f", outcome.receiverCpuMicros()));
        }
        double b = rate(results, "(b) conch -> conch");
        double a = rate(results, "(a) ssb-server 16 -> conch");
        double classic = rate(results, "(c) ssb-server 16 -> ssb-server 16");
        double manyverse = rate(results, "(c) manyverse -> manyverse");
        System.out.println();
        ratio("conch -> conch vs ssb-server -> ssb-server", b, classic);
        ratio("conch -> conch vs manyverse -> manyverse", b, manyverse);
        ratio("ssb-server -> conch vs ssb-server -> ssb-server", a, classic);
        ratio("ssb-server -> conch vs manyverse -> manyverse", a, manyverse);
        double fromManyverse = rate(results, "(a) manyverse -> conch");
        ratio("manyverse -> conch vs manyverse -> manyverse", fromManyverse, manyverse);
        System.out.printf(Locale.ROOT, "%nwhole run: %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** The signed feed of synthetic identity {@code authorIndex} in {@code name}, written once and kept in the work directory. */
    private Path workload(String name, int count, int authorIndex) throws IOException {
        Path file = work.resolve(name);
        if (!Files.exists(file)) {
            long t = System.nanoTime();
            SyntheticFeeds.write(file, count, 1, authorIndex, progress ->
                    System.err.printf(Locale.ROOT, "  signed %,d of %,d messages%n", progress, count));
            System.out.printf(Locale.ROOT, "signed %s in %.1f s%n", name, (System.nanoTime() - t) / 1e9);
        }
        return file;
    }

    private static void ratio(String label, double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            System.out.printf("%-50s %s%n", label, "n/a");
        } else {
            System.out.printf(Locale.ROOT, "%-50s %.2fx%n", label, x / y);
        }
    }

    interface Leg {
        Outcome run() throws Exception;
    }

    /** A leg's rate, and the CPU its receiving process spent a message (NaN when not known). */
    record Outcome(double perSecond, double receiverCpuMicros) {
        static final Outcome FAILED = new Outcome(Double.NaN, Double.NaN);
    }

    private static double rate(Map<String, Outcome> results, String leg) {
        return results.getOrDefault(leg, Outcome.FAILED).perSecond();
    }

    private void leg(Map<String, Outcome> results, String name, Leg leg) {
        System.out.println();
        System.out.println(name);
        Outcome outcome;
        try {
            outcome = leg.run();
        } catch (Exception e) {
            System.out.println("  FAILED: " + e);
            outcome = Outcome.FAILED;
        } finally {
            killAll();
        }
        results.put(name, outcome);
    }

    // ---------------------------------------------------------------------------------- legs

    private Outcome conchToConch(Path file, String author) throws Exception {
        Path temp = Files.createTempDirectory(work, "repl-cc-");
        try {
            Path a = conchSender(temp, Map.of(file, author));
            Path b = temp.resolve("b");
            conch(b, "init");
            follow(b, author);
            Map<String, Object> served = serve(a, temp.resolve("a.log"), null);
            String address = (String) served.get("address");
            // B dials A as soon as it listens: time from B's start-up line
            return receiveIntoConch(b, temp.resolve("b.log"), address, author);
        } finally {
            delete(temp);
        }
    }

    /**
     * As {@link #conchToConch}, but the receiver first replicates a warm-up feed from the same sender, so
     * both JVMs have compiled the replication path, as in a server that has been running; the clock
     * runs from the receiver's {@code follow} of the measured feed (once published) until it holds it all.
     */
    private Outcome conchToWarmConch(Path file, String author, Path warmFile, String warmAuthor) throws Exception {
        Path temp = Files.createTempDirectory(work, "repl-warm-");
        try {
            Path a = conchSender(temp, Map.of(file, author, warmFile, warmAuthor));
            Path b = temp.resolve("b");
            conch(b, "init");
            follow(b, warmAuthor);
            String address = (String) serve(a, temp.resolve("a.log"), null).get("address");
            Path log = temp.resolve("b.log");
            long started = System.nanoTime();
            int httpPort = ((Number) serve(b, log, address).get("httpPort")).intValue();
            double warmSeconds = awaitFeed(httpPort, warmAuthor, warmUp, log, started, false);
            System.out.printf(Locale.ROOT, "  warm-up: %,d messages of another feed in %.2f s from start-up (%,.0f messages/s, not counted)%n",
                    warmUp, warmSeconds, warmUp / warmSeconds);
            Map<Long, Duration> cpuBefore = cpuOfPeers();
            Map<String, Long> threadsBefore = threadsOf("conch " + b.getFileName());
            follow(b, author); // through the running server, which starts replicating the feed once it has published the follow
            long followed = System.nanoTime();
            double seconds = awaitFeed(httpPort, author, messages, log, followed, true);
            System.out.printf(Locale.ROOT, "  %,d messages in %.2f s from the end of `conch follow`: %,.0f messages/s%n",
                    messages, seconds, messages / seconds);
            Map<String, Duration> cpu = printCpu(cpuBefore, seconds);
            printThreads(threadsBefore, threadsOf("conch " + b.getFileName()));
            return outcome(seconds, cpu, "conch " + b.getFileName());
        } finally {
            delete(temp);
        }
    }

    /** The leg's rate, and the CPU per message of the process labelled {@code receiver}. */
    private Outcome outcome(double seconds, Map<String, Duration> cpu, String receiver) {
        Duration used = cpu.get(receiver);
        return new Outcome(messages / seconds, used == null ? Double.NaN : used.toNanos() / 1e3 / messages);
    }

    /** Conch A in {@code temp}: each feed loaded by `conch import` (not counted), its author followed. */
    private Path conchSender(Path temp, Map<Path, String> feeds) throws Exception {
        Path a = temp.resolve("a");
        conch(a, "init");
        long t = System.nanoTime();
        for (Path file : feeds.keySet()) conch(a, "import", file.toString());
        System.out.printf(Locale.ROOT, "  loaded conch A by `conch import` in %.1f s (not counted)%n", (System.nanoTime() - t) / 1e9);
        for (String author : feeds.values()) follow(a, author); // A replicates (so offers) the feeds, as the real senders do
        return a;
    }

    private Outcome realToConch(Stack stack, Path file, String author) throws Exception {
        Path temp = Files.createTempDirectory(work, "repl-rc-");
        try {
            RealPeer sender = peer(stack, temp.resolve("sender"));
            load(sender, file, author);
            Path c = temp.resolve("conch");
            conch(c, "init");
            follow(c, author);
            return receiveIntoConch(c, temp.resolve("conch.log"), sender.address(), author);
        } finally {
            delete(temp);
        }
    }

    private Outcome realToReal(Stack stack, Path file, String author) throws Exception {
        Path temp = Files.createTempDirectory(work, "repl-" + stack + "-");
        try {
            RealPeer sender = peer(stack, temp.resolve("sender"));
            load(sender, file, author);
            RealPeer receiver = peer(stack, temp.resolve("receiver"));
            receiver.follow(author);
            Map<Long, Duration> cpuBefore = cpuOfPeers();
            long t0 = System.nanoTime();
            receiver.connect(sender.address());
            long connected = System.nanoTime();
            receiver.waitFor(author, messages, timeoutMs);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "  connected in %.0f ms; %,d messages in %.2f s: %,.0f messages/s%n",
                    (connected - t0) / 1e6, messages, seconds, messages / seconds);
            Map<String, Duration> cpu = printCpu(cpuBefore, seconds);
            sender.close();
            receiver.close();
            return outcome(seconds, cpu, "node receiver");
        } finally {
            delete(temp);
        }
    }

    /** Starts conch on {@code data} dialling {@code address}; returns messages/s until it holds the whole feed. */
    private Outcome receiveIntoConch(Path data, Path log, String address, String author) throws Exception {
        Map<Long, Duration> cpuBefore = cpuOfPeers();
        long t0 = System.nanoTime();
        Map<String, Object> served = serve(data, log, address);
        long ready = System.nanoTime();
        int httpPort = ((Number) served.get("httpPort")).intValue();
        double seconds = awaitFeed(httpPort, author, messages, log, ready, true);
        System.out.printf(Locale.ROOT, "  conch started in %.0f ms; %,d messages in %.2f s from start-up: %,.0f messages/s%n",
                (ready - t0) / 1e6, messages, seconds, messages / seconds);
        Map<String, Duration> cpu = printCpu(cpuBefore, seconds);
        printThreads(Map.of(), threadsOf("conch " + data.getFileName())); // its whole life: start-up included
        return outcome(seconds, cpu, "conch " + data.getFileName());
    }

    /**
     * Polls the conch at {@code httpPort} until it holds {@code count} messages of {@code feed}; returns
     * the seconds since {@code from} (a {@link System#nanoTime()}). With {@code tenths}, prints each
     * tenth's own rate as it goes, which shows warm-up apart from the sustained speed.
     */
    private double awaitFeed(int httpPort, String feed, long count, Path log, long from, boolean tenths) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        boolean awaitingConnection = false;
        long have = 0;
        long last = -1;
        long lastChange = System.nanoTime();
        long tenth = Math.max(1, count / 10);
        long nextMark = tenth;
        long markAt = from;
        while (true) {
            Map<String, Object> health = null;
            try {
                health = health(httpPort, feed);
            } catch (java.net.http.HttpTimeoutException e) {
                // A server too busy to answer is a finding, not the end of the leg; a stall still ends it below.
                System.out.printf(Locale.ROOT, "    /health did not answer within %d s at %.1f s%n",
                        HEALTH_TIMEOUT.toSeconds(), (System.nanoTime() - from) / 1e9);
            }
            if (health != null) {
                boolean connected = ((Number) health.get("peers")).intValue() > 0;
                if (!connected) {
                    awaitingConnection = true;
                } else if (awaitingConnection) {
                    awaitingConnection = false;
                    System.out.printf(Locale.ROOT, "    connected at %.1f s%n", (System.nanoTime() - from) / 1e9);
                }
                have = ((Number) health.get("sequence")).longValue();
            }
            while (tenths && have >= nextMark && nextMark <= count) {
                long now = System.nanoTime();
                System.out.printf(Locale.ROOT, "    %3d%% at %5.1f s (%,.0f messages/s over this tenth)%n",
                        100 * nextMark / count, (now - from) / 1e9, tenth / ((now - markAt) / 1e9));
                markAt = now;
                nextMark += tenth;
            }
            if (have >= count) return (System.nanoTime() - from) / 1e9;
            if (have != last) {
                last = have;
                lastChange = System.nanoTime();
            }
            if (System.nanoTime() > deadline || System.nanoTime() - lastChange > 30_000_000_000L) {
                throw new IllegalStateException("timeout: conch holds " + have + " of " + count + " messages of " + feed
                        + " (log " + tail(log) + ")");
            }
            // As often as scripts/interop/peer.js's waitFor polls a Node receiver (every 25 ms): each /health
            // poll is an HTTP request the receiver's event loop answers, so polling more often than the real
            // peers are polled would charge conch for the measuring.
            Thread.sleep(25);
        }
    }

    /** CPU time so far of each peer process this bench started (conch and node), by process id. */
    private static Map<Long, Duration> cpuOfPeers() {
        Map<Long, Duration> cpu = new HashMap<>();
        ProcessHandle.current().descendants().forEach(process ->
                process.info().totalCpuDuration().ifPresent(used -> cpu.put(process.pid(), used)));
        return cpu;
    }

    /**
     * Prints the CPU each peer process used while the leg ran: on a machine shared by sender and
     * receiver it shows which side the time went to (a process that started during the leg counts
     * its start-up too); returns it by process label.
     */
    private static Map<String, Duration> printCpu(Map<Long, Duration> before, double seconds) {
        List<String> parts = new ArrayList<>();
        Map<String, Duration> byLabel = new HashMap<>();
        ProcessHandle.current().descendants().forEach(process -> {
            Duration used = process.info().totalCpuDuration().orElse(null);
            if (used == null) return;
            Duration since = used.minus(before.getOrDefault(process.pid(), Duration.ZERO));
            if (since.toMillis() < 50) return; // helpers such as npm wrappers
            String label = peerLabel(process);
            byLabel.merge(label, since, Duration::plus);
            parts.add(String.format(Locale.ROOT, "%s %.1f s", label, since.toMillis() / 1e3));
        });
        Collections.sort(parts);
        System.out.printf(Locale.ROOT, "    CPU over the %.1f s: %s%n", seconds, String.join(", ", parts));
        return byLabel;
    }

    /** CPU so far by thread group of the peer process labelled {@code label} (empty without /proc). */
    private static Map<String, Long> threadsOf(String label) {
        return ProcessHandle.current().descendants().filter(process -> peerLabel(process).equals(label)).findFirst()
                .map(process -> NativeThreadCpu.snapshot(process.pid())).orElse(Map.of());
    }

    /** A conch receiver's CPU per message by thread group over the leg, largest first: where its time went. */
    private void printThreads(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> spent = NativeThreadCpu.since(before, after);
        if (spent.isEmpty()) return;
        String groups = spent.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(group -> group.getValue() / 1e3 / messages >= 1)
                .map(group -> String.format(Locale.ROOT, "%s %.0f", group.getKey(), group.getValue() / 1e3 / messages))
                .collect(java.util.stream.Collectors.joining(", "));
        System.out.printf(Locale.ROOT, "    receiver CPU-us a message by thread (from /proc; threads that ended are missing): %s%n", groups);
    }

    /** "conch b" or "node sender": the program and the data directory it serves. */
    private static String peerLabel(ProcessHandle process) {
        String[] arguments = process.info().arguments().orElse(new String[0]);
        String program = process.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("?");
        for (int i = 0; i + 1 < arguments.length; i++) {
            if (arguments[i].equals("--data")) return "conch " + Path.of(arguments[i + 1]).getFileName();
            if (arguments[i].equals("--dir")) return program + " " + Path.of(arguments[i + 1]).getParent().getFileName();
        }
        return program;
    }

    /** Makes the identity of {@code data} follow {@code feed}, before serving. */
    private void follow(Path data, String feed) throws Exception {
        conch(data, "publish", "--content", "{\"type\":\"contact\",\"contact\":\"" + feed + "\",\"following\":true}");
    }

    /** Adds the workload to a real peer, pipelined, after making it replicate the author. */
    private void load(RealPeer peer, Path file, String author) throws Exception {
        peer.call("replicate", Map.of("feed", author));
        long t = System.nanoTime();
        addAll(peer, file, timeoutMs);
        long latest = peer.latest(author);
        double seconds = (System.nanoTime() - t) / 1e9;
        System.out.printf(Locale.ROOT, "  loaded the %s peer by `add` in %.1f s (%,.0f messages/s, not counted), latest %s%n",
                peer.stack().name().toLowerCase(Locale.ROOT), seconds, messages / seconds, latest);
        if (latest < messages) {
            throw new IllegalStateException("the " + peer.stack() + " peer holds " + latest + " of " + messages + " messages");
        }
    }

    /**
     * Adds every message value of a JSON-lines file to a real peer, pipelined (the peer must already
     * replicate their feeds); fails naming the first refusal.
     */
    static void addAll(RealPeer peer, Path file, long timeoutMs) throws Exception {
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                answers.add(peer.send("add", Map.of("msg", Json.parse(line))));
            }
        }
        peer.flush();
        int failed = 0;
        String firstError = null;
        for (CompletableFuture<Object> answer : answers) {
            try {
                answer.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                if (firstError == null) firstError = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e);
                failed++;
            }
        }
        if (failed > 0) {
            throw new IllegalStateException(failed + " of " + answers.size() + " adds failed (first: " + firstError + ")");
        }
    }

    // ---------------------------------------------------------------------------------- conch processes

    private void conch(Path data, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString(), "--data", data.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) throw new IllegalStateException("conch " + String.join(" ", args) + " failed: " + output.trim());
    }

    private Map<String, Object> serve(Path data, Path log, String connect) throws Exception {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(serveJavaOptions(data));
        command.addAll(List.of("-jar", jar.toString(), "--data", data.toString(), "--json", "serve",
                "--host", "127.0.0.1", "--port", String.valueOf(RealPeer.freePort()), "--http-port", String.valueOf(RealPeer.freePort())));
        if (connect != null) command.addAll(List.of("--connect", connect));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        processes.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        // The JVM may print lines of its own first (a flight recording says where it writes).
        String line = out.readLine();
        while (line != null && !line.startsWith("{")) line = out.readLine();
        if (line == null) throw new IllegalStateException("conch serve exited: " + tail(log));
        drain(out);
        return Json.parseObject(line);
    }

    /**
     * Extra JVM options for the serving conch processes, from CONCH_BENCH_SERVE_OPTS (split on spaces;
     * {@code {data}} becomes the process's data directory, for a profile per process).
     */
    private static List<String> serveJavaOptions(Path data) {
        String options = System.getenv().getOrDefault("CONCH_BENCH_SERVE_OPTS", "").trim();
        if (options.isEmpty()) return List.of();
        List<String> result = new ArrayList<>();
        for (String option : options.split("\\s+")) result.add(option.replace("{data}", data.getFileName().toString()));
        return result;
    }

    private Map<String, Object> health(int httpPort, String feed) throws Exception {
        String query = "feed=" + java.net.URLEncoder.encode(feed, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health?" + query))
                .timeout(HEALTH_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        return Json.parseObject(response.body());
    }

    // ---------------------------------------------------------------------------------- real peers

    /** Starts a real peer whose processes the bench stops with everything else. */
    private RealPeer peer(Stack stack, Path dir) throws IOException {
        RealPeer peer = RealPeer.start(stack, dir, interop);
        synchronized (this) {
            peers.add(peer);
        }
        return peer;
    }

    // ---------------------------------------------------------------------------------- plumbing

    /** Reads and discards the rest of {@code out} on a daemon thread, so the process never blocks on a full pipe. */
    static void drain(BufferedReader out) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // closed
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void killAll() {
        for (RealPeer peer : peers) {
            try {
                peer.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        peers.clear();
        for (Process process : processes) {
            if (!process.isAlive()) continue;
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void delete(Path dir) {
        killAll();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
