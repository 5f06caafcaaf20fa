package org.conch.server;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The check every server test runs under: a blocked event loop fails the test, naming the thread and where it was. */
class BlockedEventLoopsTest {
    private final BlockedEventLoops loops = new BlockedEventLoops();
    private final Vertx vertx = loops.newVertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anEventLoopHeldPastTheLimitFailsTheTest() throws Exception {
        // holds an event loop until the checker reports it, as a JDBC call there would
        Instant deadline = Instant.now().plus(java.time.Duration.ofSeconds(30));
        vertx.runOnContext(v -> holdUntilReported(deadline));
        org.conch.testing.Await.until("the blocked event loop reported", loops::anyBlocked);

        assertThatThrownBy(() -> loops.afterEach(null))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("vert.x-eventloop-thread")
                .hasMessageContaining("holdUntilReported");
    }

    @Test
    void eventLoopsThatOnlyHandOffBlockingWorkPass() throws Exception {
        String result = vertx.executeBlocking(() -> "done on a worker").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result).isEqualTo("done on a worker");
        assertThatCode(() -> loops.afterEach(null)).doesNotThrowAnyException();
    }

    private void holdUntilReported(Instant deadline) {
        while (!loops.anyBlocked() && Instant.now().isBefore(deadline)) Thread.onSpinWait();
    }
}
