package org.conch.server;

import org.conch.server.InProcessConch.Run;
import org.conch.server.config.DataDirectory;
import org.conch.testing.ConchProcess;
import org.conch.server.config.ServerException;
import org.conch.server.invite.InviteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
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
    @TempDir
    Path logs;

    @Test
    void aStartThatFailsAfterTheStoreOpenedClosesTheStoreAgain() throws Exception {
        initialise(data);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> loops.start(localConfig(data, "http-port", String.valueOf(port)), new DataDirectory(data)))
                    .isInstanceOf(ServerException.class)
                    .hasMessageStartingWith("HTTP port " + port + " on 127.0.0.1 is in use");
        }

        storeOpensInAnotherProcess();
        try (ConchServer started = loops.start(localConfig(data), new DataDirectory(data))) {
            assertThat(started.httpPort()).isPositive();
        }
    }

    @Test
    void aStartThatFailsWhileWiringTheServerClosesTheStoreAgain() throws Exception {
        initialise(data);
        Files.writeString(data.resolve(InviteStore.DIRECTORY), "a file where the invites' directory belongs");

        assertThatThrownBy(() -> loops.start(localConfig(data), new DataDirectory(data)))
                .hasMessageContaining("cannot create the invites directory");

        storeOpensInAnotherProcess();
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
        storeOpensInAnotherProcess();
    }

    /** H2 locks a store's files against other processes (in this JVM it would just share them): fsck fails while it is held. */
    private void storeOpensInAnotherProcess() throws Exception {
        new ConchProcess(logs).run("--data", data.toString(), "fsck");
    }
}
