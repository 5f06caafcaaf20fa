package org.conch.gossip.replication;

import org.conch.gossip.muxrpc.Caller;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.Packet;
import org.conch.gossip.muxrpc.PacketCodec;
import org.conch.gossip.muxrpc.PacketDecoder;
import org.conch.gossip.muxrpc.PacketSink;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.testing.Await;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Two muxrpc sessions joined in memory like two event loops over a socket: each end has its own
 * thread (its "connection context"); what one sends is encoded and decoded on the other's thread.
 * Reading pauses and resumes as the session asks; the write queue can be made to look full.
 */
final class Wire implements AutoCloseable {
    static final class End implements PacketSink {
        final String name;
        final ThreadPoolExecutor thread;
        final PacketDecoder decoder = new PacketDecoder();
        final ArrayDeque<byte[]> held = new ArrayDeque<>();
        final List<Packet> sent = new CopyOnWriteArrayList<>();
        RpcSession session;
        End peer;
        boolean readingPaused;
        volatile boolean queueFull;

        End(String name) {
            this.name = name;
            this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "conn-" + name);
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public void send(Packet packet) {
            sent.add(packet);
            byte[] bytes = PacketCodec.encode(packet);
            End to = peer;
            to.thread.execute(() -> to.deliver(bytes));
        }

        private void deliver(byte[] bytes) {
            if (readingPaused || !held.isEmpty()) {
                held.add(bytes);
                return;
            }
            session.receive(decoder.feed(bytes));
        }

        @Override
        public boolean writeQueueFull() {
            return queueFull;
        }

        /** Lets the writer go on: clears the full flag and tells the session it drained. */
        void drain() {
            thread.execute(() -> {
                queueFull = false;
                session.drained();
            });
        }

        @Override
        public void pauseReading() {
            readingPaused = true;
        }

        @Override
        public void resumeReading() {
            readingPaused = false;
            thread.execute(() -> {
                while (!readingPaused && !held.isEmpty()) {
                    session.receive(decoder.feed(held.poll()));
                }
            });
        }

        /** Runs on this end's thread and waits for the result. */
        <T> T call(Callable<T> task) {
            try {
                return thread.submit(task).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("task on " + name + " failed: " + e, e);
            }
        }

        /**
         * On this end's thread: how many tasks it has finished, when nothing waits behind the caller's task
         * and no packet is held back by paused reading; -1 while work is queued here.
         */
        long finishedIfNothingQueued() {
            return thread.getQueue().isEmpty() && held.isEmpty() ? thread.getCompletedTaskCount() : -1;
        }

        void run(Runnable task) {
            call(() -> {
                task.run();
                return null;
            });
        }
    }

    final End a;
    final End b;

    /**
     * @param registryA what A serves; {@code callerSeenByA} is B as A sees it
     */
    Wire(String nameA, MethodRegistry registryA, Caller callerSeenByA,
         String nameB, MethodRegistry registryB, Caller callerSeenByB) {
        a = new End(nameA);
        b = new End(nameB);
        a.peer = b;
        b.peer = a;
        a.session = new RpcSession(registryA, callerSeenByA, a, RpcSession.Options.defaults().withDispatcher(a.thread));
        b.session = new RpcSession(registryB, callerSeenByB, b, RpcSession.Options.defaults().withDispatcher(b.thread));
    }

    /**
     * Waits until the wire has gone quiet: neither end's thread has work queued, both ends report nothing in
     * progress ({@code idleAtA} and {@code idleAtB} run on A's and B's thread), and nothing ran on A's thread while
     * B was checked. After this, what has not arrived was never sent: the way to check that nothing arrived.
     */
    void awaitQuiet(BooleanSupplier idleAtA, BooleanSupplier idleAtB) {
        Await.until("the connection to go quiet", () -> {
            long before = a.call(() -> idleAtA.getAsBoolean() ? a.finishedIfNothingQueued() : -1);
            boolean quietAtB = b.call(() -> idleAtB.getAsBoolean() && b.finishedIfNothingQueued() >= 0);
            long after = a.call(() -> idleAtA.getAsBoolean() ? a.finishedIfNothingQueued() : -1);
            // the only task A's thread ran in between is the first check
            return before >= 0 && quietAtB && after == before + 1;
        });
    }

    /** Closes both sessions (as a dropped connection does) and stops the threads. */
    @Override
    public void close() {
        a.run(() -> a.session.close("test over"));
        b.run(() -> b.session.close("test over"));
        a.thread.shutdownNow();
        b.thread.shutdownNow();
    }
}
