package org.conch.feed.testing;

import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the {@code *FuzzTest} properties (jqwik) share: the number of tries, a per-try time limit with a count
 * of the bytes the try allocated, and the splitting of an input into chunks.
 *
 * <p>Tries: each property names a small number for the normal test run; the system property
 * {@value #TRIES_PROPERTY} replaces it for every property of a class marked {@link Target}, which is how
 * {@code scripts/fuzz} makes a long run.
 *
 * <p>A try runs on a worker thread: one that does not finish within {@link #TRY_TIMEOUT_SECONDS} seconds fails
 * as a hang (the stuck thread is abandoned, a daemon), and the bytes the try allocated on that thread are
 * counted, so that a property can bound the memory a decoder takes for an input.
 */
public final class Fuzz {
    /** The system property that sets the tries of every fuzz property (a long run). */
    public static final String TRIES_PROPERTY = "conch.fuzz.tries";
    /** Far above what any decoder needs for the inputs generated here, even on a busy machine. */
    public static final long TRY_TIMEOUT_SECONDS = 10;

    private static final com.sun.management.ThreadMXBean THREADS = allocationCounter();
    private static ExecutorService worker = newWorker();

    private Fuzz() {
    }

    /** Marks a class of fuzz properties: their tries come from {@value #TRIES_PROPERTY} when it is set. */
    @java.lang.annotation.Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @AddLifecycleHook(Tries.class)
    public @interface Target {
    }

    /** Replaces a property's tries with {@value #TRIES_PROPERTY} when that is set ({@link Example}s keep one). */
    public static final class Tries implements AroundPropertyHook {
        @Override
        public PropagationMode propagateTo() {
            return PropagationMode.ALL_DESCENDANTS; // from the class to its properties
        }

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            String configured = System.getProperty(TRIES_PROPERTY);
            boolean example = context.targetMethod().isAnnotationPresent(Example.class); // one try, always
            if (configured != null && !configured.isBlank() && !example) {
                context.attributes().setTries(Integer.parseInt(configured.trim()));
            }
            return property.execute();
        }
    }

    /**
     * How one try ended: the value, or what it threw, and the bytes it allocated ({@code -1} when the JVM cannot
     * count them).
     */
    public record Outcome<T>(T value, Throwable thrown, long allocatedBytes) {
        /** Fails unless the try returned or threw one of {@code allowed}; returns the value (null if it threw). */
        public T allowing(Class<?>... allowed) {
            if (thrown == null) return value;
            for (Class<?> type : allowed) {
                if (type.isInstance(thrown)) return null;
            }
            throw new AssertionError("unexpected " + thrown.getClass().getName() + " (allowed: "
                    + Arrays.stream(allowed).map(Class::getSimpleName).toList() + "): " + thrown.getMessage(), thrown);
        }

        /** Fails when the try allocated more than {@code limit} bytes (when the JVM can count them). */
        public Outcome<T> allocatedAtMost(long limit) {
            if (allocatedBytes > limit) {
                throw new AssertionError("allocated " + allocatedBytes + " bytes, more than the bound of " + limit);
            }
            return this;
        }
    }

    /** Runs {@code task} as one try, within the time limit, counting what it allocates. */
    public static <T> Outcome<T> call(Callable<T> task) {
        Future<Outcome<T>> future = worker.submit(() -> {
            long before = allocated();
            T value = null;
            Throwable thrown = null;
            try {
                value = task.call();
            } catch (Throwable t) {
                thrown = t;
            }
            long after = allocated();
            return new Outcome<>(value, thrown, before < 0 ? -1 : after - before);
        });
        try {
            return future.get(TRY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread is a daemon; later tries get a fresh one
            throw new AssertionError("the try did not finish within " + TRY_TIMEOUT_SECONDS + " s: a hang", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the worker failed", e.getCause());
        }
    }

    /** {@link #call} for a task without a value. */
    public static Outcome<Void> run(ThrowingRunnable task) {
        return call(() -> {
            task.run();
            return null;
        });
    }

    /** A task that may throw anything. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * {@code data} cut at the given points (each taken modulo {@code data.length + 1}, in order, duplicates
     * giving empty chunks): the pieces, concatenated, are {@code data} again.
     */
    public static List<byte[]> split(byte[] data, List<Integer> cuts) {
        int[] points = cuts.stream().mapToInt(cut -> Math.floorMod(cut, data.length + 1)).sorted().toArray();
        List<byte[]> chunks = new ArrayList<>(points.length + 1);
        int from = 0;
        for (int point : points) {
            chunks.add(Arrays.copyOfRange(data, from, point));
            from = point;
        }
        chunks.add(Arrays.copyOfRange(data, from, data.length));
        return chunks;
    }

    private static long allocated() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported()) {
            threads.setThreadAllocatedMemoryEnabled(true);
            return threads;
        }
        return null;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "conch-fuzz-try");
            thread.setDaemon(true);
            return thread;
        });
    }
}
