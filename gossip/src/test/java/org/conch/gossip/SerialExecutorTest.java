package org.conch.gossip;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Live events keep the store's order although they are rendered on a pool of several threads. */
class SerialExecutorTest {
    @Test
    void tasksRunOneAtATimeInSubmissionOrderAndNoneIsLost() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger running = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            int tasks = 20_000;
            CountDownLatch done = new CountDownLatch(tasks);
            for (int i = 0; i < tasks; i++) {
                int number = i;
                serial.execute(() -> {
                    if (running.incrementAndGet() > 1) overlaps.incrementAndGet();
                    ran.add(number);
                    running.decrementAndGet();
                    done.countDown();
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).as("every task ran").isTrue();
            assertThat(overlaps.get()).isZero();
            for (int i = 0; i < tasks; i++) assertThat(ran.get(i)).isEqualTo(i);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesAfterIt() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            CountDownLatch after = new CountDownLatch(1);
            serial.execute(() -> {
                throw new IllegalStateException("a broken renderer");
            });
            serial.execute(after::countDown);
            assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
