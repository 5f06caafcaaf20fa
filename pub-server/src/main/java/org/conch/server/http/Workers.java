package org.conch.server.http;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.util.concurrent.Callable;

/**
 * The named Vert.x worker pool that route handlers hand their blocking calls to (JDBC, files, signing), so that
 * no event loop waits on a disk. Work handed over on a request's event loop completes back on that event loop,
 * where the handler writes its reply.
 */
public final class Workers {
    private final WorkerExecutor executor;

    public Workers(WorkerExecutor executor) {
        this.executor = executor;
    }

    /** Runs {@code work} on a worker; unordered, so that one slow request never holds up the next. */
    public <T> Future<T> run(Callable<T> work) {
        return executor.executeBlocking(work, false);
    }
}
