package org.conch.gossip.replication;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The worker pool a test class's nodes share for store calls and signature checks, started before
 * its first test and stopped after its last: {@code @RegisterExtension static final WorkerPool workers = new WorkerPool();}
 */
final class WorkerPool implements BeforeAllCallback, AfterAllCallback, Executor {
    private static final int THREADS = 3;
    private ExecutorService pool;

    @Override
    public void beforeAll(ExtensionContext context) {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        pool.shutdownNow();
    }

    @Override
    public void execute(Runnable command) {
        pool.execute(command);
    }
}
