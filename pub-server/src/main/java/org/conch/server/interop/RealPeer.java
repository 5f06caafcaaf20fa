package org.conch.server.interop;

import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.BufferedWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Scuttlebutt peer from npm (scripts/interop/peer.js: the classic ssb-server stack or the
 * stack Manyverse runs) on loopback in its own directory, driven over its JSON-lines protocol, for the
 * interop tests and {@code scripts/bench replication}. Closing it closes the peer's stdin, which stops it.
 */
public final class RealPeer implements AutoCloseable {
    /** The classic ssb-server 16 stack, the same without EBT (history streams only), the Manyverse stack. */
    public enum Stack {
        CLASSIC("classic"), CLASSIC_WITHOUT_EBT("classic", "--no-ebt", "true"), MANYVERSE("manyverse");

        private final List<String> arguments;

        Stack(String name, String... extra) {
            List<String> all = new ArrayList<>(List.of("--stack", name));
            all.addAll(List.of(extra));
            this.arguments = List.copyOf(all);
        }
    }

    private final Process process;
    private final BufferedWriter commands;
    private final Stack stack;
    private final Map<Integer, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final String id;
    private final String address;
    private final int port;

    private RealPeer(Stack stack, Process process, Map<String, Object> ready, int port) {
        this.stack = stack;
        this.process = process;
        // Buffered: a benchmark pipelines thousands of commands and flushes once.
        this.commands = new BufferedWriter(process.outputWriter(StandardCharsets.UTF_8), 1 << 16);
        this.id = (String) ready.get("id");
        this.address = (String) ready.get("address");
        this.port = port;
    }

    /** Starts a peer of this stack in {@code dir} on a free loopback port; its log goes to dir/peer.log. */
    public static RealPeer start(Stack stack, Path dir) throws IOException {
        return start(stack, dir, interopDirectory());
    }

    /** The same, with scripts/interop at {@code interop}. */
    public static RealPeer start(Stack stack, Path dir, Path interop) throws IOException {
        if (!Files.isDirectory(interop.resolve("node_modules"))) {
            throw new IllegalStateException("the real peers are not installed: run scripts/test (npm ci in " + interop + ")");
        }
        Files.createDirectories(dir);
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("node", interop.resolve("peer.js").toString()));
        command.addAll(stack.arguments);
        command.addAll(List.of("--dir", dir.resolve("ssb").toString(), "--port", String.valueOf(port)));
        Process process = new ProcessBuilder(command)
                .redirectError(dir.resolve("peer.log").toFile())
                .start();
        BufferedReader out = process.inputReader(StandardCharsets.UTF_8);
        String first = out.readLine();
        if (first == null) {
            throw new IllegalStateException(stack + " peer exited before it was ready; see " + dir.resolve("peer.log")
                    + ":\n" + Files.readString(dir.resolve("peer.log")));
        }
        RealPeer peer = new RealPeer(stack, process, Json.parseObject(first), port);
        Thread reader = new Thread(() -> peer.readAnswers(out), "real-peer-" + port);
        reader.setDaemon(true);
        reader.start();
        return peer;
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
            // the peer went away; pending calls fail below
        }
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("the peer on port " + port + " exited")));
    }

    /** Queues a command without flushing it; answers may come back in any order. */
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

    /** Sends every queued command to the peer. */
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

    public Object call(String command, Map<String, Object> arguments) throws Exception {
        return call(command, arguments, 60);
    }

    public Stack stack() {
        return stack;
    }

    public String id() {
        return id;
    }

    /** Its multiserver address, net:127.0.0.1:PORT~shs:KEY. */
    public String address() {
        return address;
    }

    public String publishPost(String text) throws Exception {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        @SuppressWarnings("unchecked")
        Map<String, Object> kvt = (Map<String, Object>) call("publish", Map.of("content", content));
        return (String) kvt.get("key");
    }

    public void follow(String feed) throws Exception {
        call("follow", Map.of("feed", feed));
    }

    public void connect(String multiserverAddress) throws Exception {
        call("connect", Map.of("address", multiserverAddress));
    }

    /** Creates an invite as a pub (classic stack only: ssb-server's ssb-invite); returns its code. */
    public String createInvite(int uses) throws Exception {
        return (String) call("invite.create", Map.of("uses", (double) uses));
    }

    /**
     * Redeems an invite code with the stack's own invite client, then dials the pub again with the peer's
     * own key (over which the two replicate). Fails with the client's error text when the pub refuses.
     */
    public void acceptInvite(String code) throws Exception {
        call("invite.accept", Map.of("code", code));
    }

    public long latest(String feed) throws Exception {
        return ((Double) call("latest", Map.of("feed", feed))).longValue();
    }

    /** Waits until the peer holds {@code feed} up to {@code sequence}. */
    public void waitFor(String feed, long sequence, long timeoutMillis) throws Exception {
        call("waitFor", Map.of("feed", feed, "seq", (double) sequence, "timeoutMs", (double) timeoutMillis),
                timeoutMillis / 1000 + 10);
    }

    /** The feed's message values in sequence order, as the peer stores them. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> feed(String feed) throws Exception {
        return new ArrayList<>((List<Map<String, Object>>) call("feed", Map.of("feed", feed)));
    }

    /** The keys of the feed's messages in sequence order, as the peer itself stored them. */
    @SuppressWarnings("unchecked")
    public List<String> keys(String feed) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Object kvt : (List<Object>) call("feed", Map.of("feed", feed, "keys", true))) {
            keys.add((String) ((Map<String, Object>) kvt).get("key"));
        }
        return keys;
    }

    static Path interopDirectory() {
        String configured = System.getProperty("conch.interop");
        return (configured != null ? Paths.get(configured) : Paths.get("").toAbsolutePath().getParent().resolve("scripts/interop"))
                .toAbsolutePath().normalize();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            commands.close();
        } catch (IOException e) {
            // the peer is gone already
        }
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
