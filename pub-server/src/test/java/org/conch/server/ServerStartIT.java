package org.conch.server;

import org.conch.feed.store.H2FeedStore;
import org.conch.server.InProcessConch.Run;
import org.conch.server.config.DataDirectory;
import org.conch.server.config.ServerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.conch.server.InProcessConch.conch;
import static org.conch.server.InProcessConch.initialise;
import static org.conch.server.InProcessConch.localConfig;

/** A server that cannot start says why in one line and leaves nothing open behind it. */
class ServerStartIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    @TempDir
    Path data;

    @Test
    void aStartThatFailsAfterTheStoreOpenedClosesTheStoreAgain() throws Exception {
        initialise(data);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> loops.start(localConfig(data, "http-port", String.valueOf(port)), new DataDirectory(data)))
                    .isInstanceOf(ServerException.class)
                    .hasMessageStartingWith("HTTP port " + port + " on 127.0.0.1 is in use");
        }

        H2FeedStore reopened = new DataDirectory(data).openStore(); // fails while the failed start still holds it
        reopened.close();
        try (ConchServer started = loops.start(localConfig(data), new DataDirectory(data))) {
            assertThat(started.httpPort()).isPositive();
        }
    }

    @Test
    void aGossipPortInUseIsAOneLineErrorOfServe() throws Exception {
        initialise(data);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            Run serve = conch(data, "serve", "--host", "127.0.0.1", "--port", String.valueOf(port), "--http-port", "-1", "--no-lan");

            assertThat(serve.exit()).isEqualTo(1);
            assertThat(serve.err()).isEqualTo("conch: gossip port " + port + " on 127.0.0.1 is in use\n");
        }
        H2FeedStore reopened = new DataDirectory(data).openStore();
        reopened.close();
    }
}
