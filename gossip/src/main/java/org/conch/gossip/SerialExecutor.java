package org.conch.gossip;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time and in submission order on a shared pool: a lock-free home for state that many
 * threads feed (blob wants, live events that must keep the store's order).
 */
public final class SerialExecutor implements Executor {
    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(this::drain);
            } catch (RuntimeException e) {
                scheduled.set(false);
                throw e;
            }
        }
    }

    private void drain() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(SerialExecutor.class).warn("a queued task failed: {}", e.toString());
                }
            }
        } finally {
            scheduled.set(false);
            schedule(); // a task added after the last poll but before the flag was cleared
        }
    }
}
