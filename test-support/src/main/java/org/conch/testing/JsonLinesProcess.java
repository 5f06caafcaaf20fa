package org.conch.testing;

import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A helper process (a Node script under scripts/interop) driven over JSON lines: its first stdout line
 * says it is ready, then each command {@code {"id","cmd",…}} on stdin gets one answer
 * {@code {"id","ok"}} or {@code {"id","error"}} on stdout, in any order. stderr goes to a log file.
 * Closing stdin asks the process to stop.
 */
public final class JsonLinesProcess implements AutoCloseable {
    private final Process process;
    private final BufferedWriter commands;
    private final Map<String, Object> ready;
    private final Map<Integer, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final String name;

    private JsonLinesProcess(Process process, Map<String, Object> ready, String name) {
        this.process = process;
        // Buffered: a benchmark pipelines thousands of commands and flushes once.
        this.commands = new BufferedWriter(process.outputWriter(StandardCharsets.UTF_8), 1 << 16);
        this.ready = ready;
        this.name = name;
    }

    /** Starts {@code command}, logging its stderr to {@code log}, and waits for its ready line. */
    public static JsonLinesProcess start(List<String> command, Path log, String name) throws IOException {
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        BufferedReader out = process.inputReader(StandardCharsets.UTF_8);
        String first = out.readLine();
        if (first == null) {
            throw new IllegalStateException(name + " exited before it was ready; see " + log + ":\n" + Files.readString(log));
        }
        JsonLinesProcess started = new JsonLinesProcess(process, Json.parseObject(first), name);
        Thread reader = new Thread(() -> started.readAnswers(out), name + "-answers");
        reader.setDaemon(true);
        reader.start();
        return started;
    }

    /** The ready line's fields. */
    public Map<String, Object> ready() {
        return ready;
    }

    private void readAnswers(BufferedReader out) {
        try {
            String line;
            while ((line = out.readLine()) != null) {
                Map<String, Object> answer = Json.parseObject(line);
                Object requestId = answer.get("id");
                if (!(requestId instanceof Double number)) continue;
                CompletableFuture<Object> future = pending.remove(number.intValue());
                if (future == null) continue;
                if (answer.containsKey("error")) future.completeExceptionally(new IllegalStateException(String.valueOf(answer.get("error"))));
                else future.complete(answer.get("ok"));
            }
        } catch (IOException | RuntimeException e) {
            // the process went away; pending calls fail below
        }
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException(name + " exited")));
    }

    /** Queues a command without flushing it. */
    public CompletableFuture<Object> send(String command, Map<String, Object> arguments) throws IOException {
        int requestId = nextId.getAndIncrement();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", (double) requestId);
        request.put("cmd", command);
        request.putAll(arguments);
        CompletableFuture<Object> answer = new CompletableFuture<>();
        pending.put(requestId, answer);
        synchronized (commands) {
            commands.write(CanonicalJson.compact(request));
            commands.write('\n');
        }
        return answer;
    }

    /** Sends every queued command. */
    public void flush() throws IOException {
        synchronized (commands) {
            commands.flush();
        }
    }

    /** Sends a command and waits for its answer. */
    public Object call(String command, Map<String, Object> arguments, long timeoutSeconds) throws Exception {
        CompletableFuture<Object> answer = send(command, arguments);
        flush();
        return answer.get(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** Closes stdin and waits up to 15 s for the process to stop, then kills it. */
    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException e) {
            // the process is gone already
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
