package org.conch.server;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import org.conch.server.config.DataDirectory;
import org.conch.server.config.ServerConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Fails the test during which an event loop of a Vert.x it made was blocked (design.md: nothing blocking runs on
 * an event loop). Servers started through {@link #start} run on such a Vert.x, with a limit low enough that a
 * blocking call shows, where Vert.x by default only logs a warning after two seconds. Register it with
 * {@code @RegisterExtension}; it reports after the test's own {@code @AfterEach} methods have closed the servers.
 */
public final class BlockedEventLoops implements AfterEachCallback, AfterAllCallback {
    /** Well above anything an event loop does in a test (a page rendered, a frame decoded), even on a busy machine. */
    static final long MAX_EVENT_LOOP_MILLIS = 500;
    private static final long CHECK_INTERVAL_MILLIS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(BlockedEventLoops.class);

    private final List<String> blocked = new ArrayList<>();

    /** Starts a conch server on a Vert.x made by {@link #newVertx}; the server closes it. */
    public ConchServer start(ServerConfig config, DataDirectory data) throws Exception {
        return ConchServer.start(config, data, this::newVertx);
    }

    /** Starts a conch with a new identity in {@code data}, on loopback with free ports and no LAN discovery. */
    public ConchServer startOnLoopback(java.nio.file.Path data) throws Exception {
        org.conch.feed.Identity.generate().save(data.resolve("secret"));
        return start(ServerConfig.load(data, java.util.Map.of(),
                java.util.Map.of("host", "127.0.0.1", "port", "0", "http-port", "0", "lan", "false")), new DataDirectory(data));
    }

    /** A Vert.x whose blocked event loops fail the test; worker threads keep Vert.x's own limit, they are there to block. */
    public Vertx newVertx() {
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MILLIS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(CHECK_INTERVAL_MILLIS).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
        ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(this::report);
        return vertx;
    }

    private void report(BlockedThreadEvent event) {
        StackTraceElement[] stack = event.thread().getStackTrace();
        // The stack is taken after the check: a loop already back waiting for I/O was slow (on a loaded machine, a
        // thread waits for a core too), not blocked, and the stack could not say where anyway.
        if (waitingForIo(stack)) return;
        String description = event.thread().getName() + " blocked for " + TimeUnit.NANOSECONDS.toMillis(event.duration())
                + " ms (limit " + TimeUnit.NANOSECONDS.toMillis(event.maxExecTime()) + " ms), at\n\t"
                + Arrays.stream(stack).map(String::valueOf).collect(Collectors.joining("\n\t"));
        if (!(event.thread() instanceof VertxThread thread) || thread.isWorker()) {
            LOG.warn("{}", description);
            return;
        }
        synchronized (blocked) {
            // the checker reports a blocked thread again at every check; its first report says where it was stuck
            if (blocked.stream().noneMatch(seen -> seen.startsWith(event.thread().getName() + " "))) blocked.add(description);
        }
    }

    /** An event loop between tasks: waiting in Netty's selector (near the top of its stack), with no Vert.x task below. */
    private static boolean waitingForIo(StackTraceElement[] stack) {
        boolean selecting = Arrays.stream(stack).limit(8).anyMatch(frame ->
                frame.getClassName().startsWith("io.netty.channel.") && isSelectorWait(frame.getMethodName().toLowerCase(Locale.ROOT)));
        boolean inTask = Arrays.stream(stack).anyMatch(frame -> frame.getClassName().startsWith("io.vertx."));
        return selecting && !inTask;
    }

    private static boolean isSelectorWait(String method) {
        return method.contains("select") || method.contains("epollwait"); // NIO, or Netty's native epoll transport
    }

    /** Whether an event loop has been reported blocked since the last check. */
    boolean anyBlocked() {
        synchronized (blocked) {
            return !blocked.isEmpty();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failIfBlocked();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        failIfBlocked();
    }

    private void failIfBlocked() {
        List<String> found;
        synchronized (blocked) {
            found = List.copyOf(blocked);
            blocked.clear();
        }
        if (!found.isEmpty()) throw new AssertionError("an event loop was blocked:\n" + String.join("\n", found));
    }
}
