package org.conch.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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

    private final JsonLinesProcess process;
    private final Stack stack;
    private final String id;
    private final String address;

    private RealPeer(Stack stack, JsonLinesProcess process) {
        this.stack = stack;
        this.process = process;
        this.id = (String) process.ready().get("id");
        this.address = (String) process.ready().get("address");
    }

    /** Starts a peer of this stack in {@code dir} on a free loopback port; its log goes to dir/peer.log. */
    public static RealPeer start(Stack stack, Path dir) throws IOException {
        return start(stack, dir, interopDirectory());
    }

    /** The same, with more of peer.js's options, e.g. {@code --room-client true}. */
    public static RealPeer start(Stack stack, Path dir, List<String> options) throws IOException {
        return start(stack, dir, interopDirectory(), options);
    }

    /** The same, with scripts/interop at {@code interop}. */
    public static RealPeer start(Stack stack, Path dir, Path interop) throws IOException {
        return start(stack, dir, interop, List.of());
    }

    private static RealPeer start(Stack stack, Path dir, Path interop, List<String> options) throws IOException {
        if (!Files.isDirectory(interop.resolve("node_modules"))) {
            throw new IllegalStateException("the real peers are not installed: run scripts/test (npm ci in " + interop + ")");
        }
        Files.createDirectories(dir);
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("node", interop.resolve("peer.js").toString()));
        command.addAll(stack.arguments);
        command.addAll(options);
        command.addAll(List.of("--dir", dir.resolve("ssb").toString(), "--port", String.valueOf(port)));
        JsonLinesProcess process = JsonLinesProcess.start(command, dir.resolve("peer.log"), stack + " peer on port " + port);
        return new RealPeer(stack, process);
    }

    /** Queues a command without flushing it; answers may come back in any order. */
    public CompletableFuture<Object> send(String command, Map<String, Object> arguments) throws IOException {
        return process.send(command, arguments);
    }

    /** Sends every queued command to the peer. */
    public void flush() throws IOException {
        process.flush();
    }

    /** Sends a command and waits for its answer. */
    public Object call(String command, Map<String, Object> arguments, long timeoutSeconds) throws Exception {
        return process.call(command, arguments, timeoutSeconds);
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

    /** scripts/interop: the system property conch.interop, or beside the module directory the tests run in. */
    public static Path interopDirectory() {
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
        process.close();
    }
}
