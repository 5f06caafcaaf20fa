package org.conch.testing;

import org.conch.feed.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the packaged conch (target/conch.jar) as a separate process, as a user would, for the interop tests. */
public final class ConchProcess {
    private final Path work;
    private final List<String> jvmOptions;

    /** @param work where the logs go: cli.log for one-shot verbs, serve.log for servers */
    public ConchProcess(Path work) {
        this(work, List.of());
    }

    /** The same, each process started with {@code jvmOptions} too (e.g. {@code -Dconch.store.key-index-batch=150}). */
    public ConchProcess(Path work, List<String> jvmOptions) {
        this.work = work;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Runs a verb to completion and asserts it exits 0; returns its stdout. */
    public String run(String... args) throws Exception {
        Result result = runAllowingFailure(args);
        assertThat(result.exitCode()).as("conch %s; log: %s", List.of(args), cliLog()).isZero();
        return result.stdout();
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs a verb to completion; stderr is also kept apart from the log. */
    public Result runAllowingFailure(String... args) throws Exception {
        Path stderr = Files.createTempFile(work, "stderr", ".txt");
        Process process = start(List.of(args), stderr);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("conch %s ends", List.of(args)).isTrue();
        String errors = Files.readString(stderr);
        Files.writeString(work.resolve("cli.log"), errors, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return new Result(process.exitValue(), output, errors);
    }

    /**
     * {@code conch --json fsck} on {@code data}: its report, whatever its exit code. A run that prints no report fails
     * with its exit code and stderr, not with a JSON parse error.
     */
    public Map<String, Object> fsckReport(Path data) throws Exception {
        Result fsck = runAllowingFailure("--data", data.toString(), "--json", "fsck");
        assertThat(fsck.stdout()).as("fsck printed no report (exit %d); stderr: %s", fsck.exitCode(), fsck.stderr()).isNotBlank();
        return Json.parseObject(fsck.stdout().strip());
    }

    /** Starts {@code conch serve}-like long-running verbs; stderr goes to serve.log. */
    public Process startServer(List<String> args) throws IOException {
        return start(args, work.resolve("serve.log"));
    }

    /** Waits (up to 60 s) until conch's store, asked through its health endpoint, holds {@code feed} up to {@code sequence}. */
    public void waitUntilConchHas(int httpPort, Process server, String feed, long sequence) {
        waitUntilConchHas(httpPort, server, feed, sequence, Duration.ofSeconds(60));
    }

    /** The same with a deadline; returns how far the store held the feed when it was first enough. */
    public long waitUntilConchHas(int httpPort, Process server, String feed, long sequence, Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + httpPort + "/health?feed=" + URLEncoder.encode(feed, StandardCharsets.UTF_8));
        double held = awaitFromServer(server, "conch holds " + feed + " up to " + sequence, timeout, () -> {
            String body = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
            return (Double) Json.parseObject(body).get("sequence");
        }, sequenceHeld -> sequenceHeld >= sequence);
        return (long) held;
    }

    /**
     * {@link Await#until} for something read from a running {@code conch serve}: fails at once when the server
     * has exited, and a failure carries the server's log, which says why.
     */
    public <T> T awaitFromServer(Process server, String what, Duration timeout, Await.Probe<T> probe, Predicate<? super T> done) {
        try {
            return Await.until(what, timeout, () -> {
                if (!server.isAlive()) throw new AssertionError("conch serve exited with " + server.exitValue());
                return probe.read();
            }, done);
        } catch (AssertionError failed) {
            String log;
            try {
                log = serveLog();
            } catch (IOException e) {
                log = "(unreadable: " + e + ")";
            }
            throw new AssertionError(failed.getMessage() + "; log:\n" + log, failed);
        }
    }

    /** SIGTERM, and waits: conch closes its stores cleanly. */
    public static void stop(Process server) throws InterruptedException {
        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("conch stops on SIGTERM").isTrue();
    }

    public String serveLog() throws IOException {
        return read(work.resolve("serve.log"));
    }

    private String cliLog() throws IOException {
        return read(work.resolve("cli.log"));
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    private Process start(List<String> args, Path log) throws IOException {
        Path jar = Paths.get("target", "conch.jar").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("CONCH_LOG_LEVEL", "info"); // every verb, not only serve, for the logs of a failure
        return builder.start();
    }
}
