package org.conch.server.bench;

import org.conch.feed.Identity;
import org.conch.feed.json.Json;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.ServerSocket;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ReplicationBench(int messages, Path work, Path interop, Path jar) {
        this.messages = messages;
        this.work = work;
        this.interop = interop;
        this.jar = jar;
        this.timeoutMs = Math.max(120_000L, messages * 10L);
    }

    public static void main(String[] args) throws Exception {
        int messages = 20_000;
        Path work = Paths.get("target/bench");
        Path interop = Paths.get("scripts/interop");
        Path jar = Paths.get("pub-server/target/conch.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i].replace("_", ""));
                case "--work" -> work = Paths.get(args[++i]);
                case "--interop" -> interop = Paths.get(args[++i]);
                case "--jar" -> jar = Paths.get(args[++i]);
                default -> {
                    System.err.println("usage: ReplicationBench [--messages N] [--work DIR] [--interop DIR] [--jar FILE]");
                    System.exit(2);
                }
            }
        }
        ReplicationBench bench = new ReplicationBench(messages, work.toAbsolutePath(), interop.toAbsolutePath(), jar.toAbsolutePath());
        Runtime.getRuntime().addShutdownHook(new Thread(bench::killAll));
        bench.run();
        System.exit(0);
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(work);
        System.out.printf(Locale.ROOT, "conch replication benchmark: one feed of %,d messages over loopback, %d cores, %s%n",
                messages, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + Runtime.version());
        Path file = work.resolve("replication-" + messages + ".jsonl");
        if (!Files.exists(file)) {
            long t = System.nanoTime();
            SyntheticFeeds.write(file, messages, 1, progress ->
                    System.err.printf(Locale.ROOT, "  signed %,d of %,d messages%n", progress, messages));
            System.out.printf(Locale.ROOT, "signed the workload in %.1f s%n", (System.nanoTime() - t) / 1e9);
        }
        String author = Identity.fromSeed(SyntheticFeeds.seed(0)).id().toString();
        System.out.println("workload: " + file + ", author " + author);

        Map<String, Double> results = new LinkedHashMap<>();
        leg(results, "(b) conch -> conch", () -> conchToConch(file, author));
        leg(results, "(a) ssb-server 16 -> conch", () -> realToConch(file, author));
        leg(results, "(c) ssb-server 16 -> ssb-server 16", () -> realToReal("classic", file, author));
        leg(results, "(c) manyverse -> manyverse", () -> realToReal("manyverse", file, author));

        System.out.println();
        System.out.printf("%-36s %14s%n", "leg", "messages/s");
        for (var e : results.entrySet()) {
            System.out.printf("%-36s %14s%n", e.getKey(),
                    Double.isNaN(e.getValue()) ? "failed" : String.format(Locale.ROOT, "%,.0f", e.getValue()));
        }
        double b = results.getOrDefault("(b) conch -> conch", Double.NaN);
        double a = results.getOrDefault("(a) ssb-server 16 -> conch", Double.NaN);
        double classic = results.getOrDefault("(c) ssb-server 16 -> ssb-server 16", Double.NaN);
        double manyverse = results.getOrDefault("(c) manyverse -> manyverse", Double.NaN);
        System.out.println();
        ratio("conch -> conch vs ssb-server -> ssb-server", b, classic);
        ratio("conch -> conch vs manyverse -> manyverse", b, manyverse);
        ratio("ssb-server -> conch vs ssb-server -> ssb-server", a, classic);
        ratio("ssb-server -> conch vs manyverse -> manyverse", a, manyverse);
        System.out.printf(Locale.ROOT, "%nwhole run: %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    private static void ratio(String label, double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            System.out.printf("%-50s %s%n", label, "n/a");
        } else {
            System.out.printf(Locale.ROOT, "%-50s %.2fx%n", label, x / y);
        }
    }

    interface Leg {
        double run() throws Exception;
    }

    private void leg(Map<String, Double> results, String name, Leg leg) {
        System.out.println();
        System.out.println(name);
        double perSecond;
        try {
            perSecond = leg.run();
        } catch (Exception e) {
            System.out.println("  FAILED: " + e);
            perSecond = Double.NaN;
        } finally {
            killAll();
        }
        results.put(name, perSecond);
    }

    // ---------------------------------------------------------------------------------- legs

    private double conchToConch(Path file, String author) throws Exception {
        Path temp = Files.createTempDirectory(work, "repl-cc-");
        try {
            Path a = temp.resolve("a");
            Path b = temp.resolve("b");
            conch(a, "init");
            long t = System.nanoTime();
            conch(a, "import", file.toString());
            System.out.printf(Locale.ROOT, "  loaded conch A by `conch import` in %.1f s (not counted)%n", (System.nanoTime() - t) / 1e9);
            follow(a, author); // A replicates (so offers) the feed, as the real senders do
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

    private double realToConch(Path file, String author) throws Exception {
        Path temp = Files.createTempDirectory(work, "repl-rc-");
        try {
            Peer sender = Peer.start(this, "classic", temp.resolve("sender"), temp.resolve("sender.log"));
            load(sender, file, author);
            Path c = temp.resolve("conch");
            conch(c, "init");
            follow(c, author);
            return receiveIntoConch(c, temp.resolve("conch.log"), sender.address, author);
        } finally {
            delete(temp);
        }
    }

    private double realToReal(String stack, Path file, String author) throws Exception {
        Path temp = Files.createTempDirectory(work, "repl-" + stack + "-");
        try {
            Peer sender = Peer.start(this, stack, temp.resolve("sender"), temp.resolve("sender.log"));
            load(sender, file, author);
            Peer receiver = Peer.start(this, stack, temp.resolve("receiver"), temp.resolve("receiver.log"));
            receiver.call(Map.of("cmd", "follow", "feed", author)).get(60, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            receiver.call(Map.of("cmd", "connect", "address", sender.address)).get(60, TimeUnit.SECONDS);
            long connected = System.nanoTime();
            receiver.call(Map.of("cmd", "waitFor", "feed", author, "seq", (double) messages, "timeoutMs", (double) timeoutMs))
                    .get(timeoutMs + 30_000, TimeUnit.MILLISECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "  connected in %.0f ms; %,d messages in %.2f s: %,.0f messages/s%n",
                    (connected - t0) / 1e6, messages, seconds, messages / seconds);
            sender.stop();
            receiver.stop();
            return messages / seconds;
        } finally {
            delete(temp);
        }
    }

    /** Starts conch on {@code data} dialling {@code address}; returns messages/s until it holds the whole feed. */
    private double receiveIntoConch(Path data, Path log, String address, String author) throws Exception {
        long t0 = System.nanoTime();
        Map<String, Object> served = serve(data, log, address);
        long ready = System.nanoTime();
        int httpPort = ((Number) served.get("httpPort")).intValue();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        long connectedAt = 0;
        long have = 0;
        long last = -1;
        long lastChange = System.nanoTime();
        while (true) {
            Map<String, Object> health = health(httpPort, author);
            if (connectedAt == 0 && ((Number) health.get("peers")).intValue() > 0) connectedAt = System.nanoTime();
            have = ((Number) health.get("sequence")).longValue();
            if (have >= messages) break;
            if (have != last) {
                last = have;
                lastChange = System.nanoTime();
            }
            if (System.nanoTime() > deadline || System.nanoTime() - lastChange > 30_000_000_000L) {
                throw new IllegalStateException("timeout: conch holds " + have + " of " + messages + " (log " + tail(log) + ")");
            }
            Thread.sleep(10);
        }
        long done = System.nanoTime();
        double seconds = (done - ready) / 1e9;
        System.out.printf(Locale.ROOT, "  conch started in %.0f ms, saw the connection %.0f ms later; %,d messages in %.2f s"
                        + " from start-up: %,.0f messages/s%n",
                (ready - t0) / 1e6, connectedAt == 0 ? Double.NaN : (connectedAt - ready) / 1e6, messages, seconds,
                messages / seconds);
        return messages / seconds;
    }

    /** Makes the identity of {@code data} follow {@code feed}, before serving. */
    private void follow(Path data, String feed) throws Exception {
        conch(data, "publish", "--content", "{\"type\":\"contact\",\"contact\":\"" + feed + "\",\"following\":true}");
    }

    /** Adds the workload to a real peer, pipelined, after making it replicate the author. */
    private void load(Peer peer, Path file, String author) throws Exception {
        peer.call(Map.of("cmd", "replicate", "feed", author)).get(60, TimeUnit.SECONDS);
        long t = System.nanoTime();
        List<CompletableFuture<Object>> answers = new ArrayList<>(messages);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                answers.add(peer.callRaw("\"cmd\":\"add\",\"msg\":" + line));
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
        Object latest = peer.call(Map.of("cmd", "latest", "feed", author)).get(60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t) / 1e9;
        System.out.printf(Locale.ROOT, "  loaded the %s peer by `add` in %.1f s (%,.0f messages/s, not counted), latest %s%n",
                peer.stack, seconds, messages / seconds, latest);
        if (failed > 0 || ((Number) latest).longValue() < messages) {
            throw new IllegalStateException(failed + " adds failed (first: " + firstError + "), latest " + latest);
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
        List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString(), "--data", data.toString(), "--json", "serve",
                "--host", "127.0.0.1", "--port", String.valueOf(freePort()), "--http-port", String.valueOf(freePort())));
        if (connect != null) command.addAll(List.of("--connect", connect));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        processes.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) throw new IllegalStateException("conch serve exited: " + tail(log));
        drain(out);
        return Json.parseObject(line);
    }

    private Map<String, Object> health(int httpPort, String feed) throws Exception {
        String query = "feed=" + java.net.URLEncoder.encode(feed, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health?" + query))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.parseObject(response.body());
    }

    // ---------------------------------------------------------------------------------- real peers

    /** One {@code scripts/interop/peer.js} process and its JSON-lines protocol. */
    static final class Peer {
        final String stack;
        final String id;
        final String address;
        private final Process process;
        private final BufferedWriter in;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();

        private Peer(String stack, Process process, Map<String, Object> ready) {
            this.stack = stack;
            this.process = process;
            this.id = (String) ready.get("id");
            this.address = (String) ready.get("address");
            this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), 1 << 16);
        }

        static Peer start(ReplicationBench bench, String stack, Path dir, Path log) throws Exception {
            Process process = new ProcessBuilder("node", bench.interop.resolve("peer.js").toString(), "--stack", stack,
                    "--dir", dir.toString(), "--port", String.valueOf(freePort()))
                    .redirectError(log.toFile()).start();
            bench.processes.add(process);
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (first == null) throw new IllegalStateException(stack + " peer exited: " + tail(log));
            Map<String, Object> ready = Json.parseObject(first);
            if (!Boolean.TRUE.equals(ready.get("ready"))) throw new IllegalStateException(stack + " peer not ready: " + first);
            Peer peer = new Peer(stack, process, ready);
            Thread reader = new Thread(() -> peer.readAnswers(out), "peer-" + stack);
            reader.setDaemon(true);
            reader.start();
            return peer;
        }

        private void readAnswers(BufferedReader out) {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    Map<String, Object> answer = Json.parseObject(line);
                    Object id = answer.get("id");
                    if (!(id instanceof Number n)) continue;
                    CompletableFuture<Object> future = pending.remove(n.intValue());
                    if (future == null) continue;
                    if (answer.containsKey("error")) future.completeExceptionally(new IllegalStateException(String.valueOf(answer.get("error"))));
                    else future.complete(answer.get("ok"));
                }
            } catch (Exception ignored) {
                // process gone
            }
            pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException(stack + " peer exited")));
        }

        /** Sends {@code {"id":N,BODY}} without flushing. */
        synchronized CompletableFuture<Object> callRaw(String body) throws IOException {
            int id = ids.incrementAndGet();
            CompletableFuture<Object> future = new CompletableFuture<>();
            pending.put(id, future);
            in.write("{\"id\":" + id + "," + body + "}\n");
            return future;
        }

        synchronized void flush() throws IOException {
            in.flush();
        }

        CompletableFuture<Object> call(Map<String, Object> request) throws IOException {
            String json = org.conch.feed.json.CanonicalJson.compact(request);
            CompletableFuture<Object> future = callRaw(json.substring(1, json.length() - 1));
            flush();
            return future;
        }

        void stop() {
            try {
                call(Map.of("cmd", "stop")).get(10, TimeUnit.SECONDS);
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // killed below anyway
            }
        }
    }

    // ---------------------------------------------------------------------------------- plumbing

    private static void drain(BufferedReader out) {
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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
