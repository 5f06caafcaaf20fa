package org.conch.gossip.replication;

import org.conch.gossip.muxrpc.Caller;

/** A {@link Wire} between two nodes with replication attached on both ends; A dialled B. */
final class Connection implements AutoCloseable {
    final Wire wire;
    final Node dialler;
    final Node dialled;
    PeerReplication atDialler;
    PeerReplication atDialled;

    private Connection(Node dialler, Node dialled) {
        this.dialler = dialler;
        this.dialled = dialled;
        this.wire = new Wire(dialler.name, dialler.registry, Caller.anonymous(dialled.id().toString()),
                dialled.name, dialled.registry, Caller.anonymous(dialler.id().toString()));
    }

    /** Connects and attaches replication (the dialled side first, as a server is ready before it reads). */
    static Connection open(Node dialler, Node dialled) {
        return open(dialler, dialled, wire -> { });
    }

    /** Connects, lets the test set up the wire, then attaches replication. */
    static Connection open(Node dialler, Node dialled, java.util.function.Consumer<Wire> beforeAttach) {
        Connection connection = new Connection(dialler, dialled);
        beforeAttach.accept(connection.wire);
        connection.wire.b.run(() -> connection.atDialled =
                dialled.service.attach(connection.wire.b.session, connection.wire.b.thread, false));
        connection.wire.a.run(() -> connection.atDialler =
                dialler.service.attach(connection.wire.a.session, connection.wire.a.thread, true));
        return connection;
    }

    /**
     * Waits until the connection has gone quiet: neither end's thread has work queued, neither side's
     * replication has anything in progress (messages being validated or stored, pages being read or sent,
     * notes or appends waiting), and nothing ran on the dialler's thread while the dialled side was checked.
     * After this, a message that has not arrived was never sent: the way to check that nothing arrived.
     */
    void awaitQuiet() {
        wire.awaitQuiet(() -> atDialler.idle(), () -> atDialled.idle());
    }

    ReplicationStatus.Peer statusAtDialler() {
        return atDialler.snapshot().toCompletableFuture().join();
    }

    ReplicationStatus.Peer statusAtDialled() {
        return atDialled.snapshot().toCompletableFuture().join();
    }

    @Override
    public void close() {
        wire.a.run(() -> wire.a.session.close("test over"));
        wire.b.run(() -> wire.b.session.close("test over"));
        atDialler.close();
        atDialled.close();
        wire.a.run(() -> { });
        wire.b.run(() -> { });
        wire.a.thread.shutdownNow();
        wire.b.thread.shutdownNow();
    }
}
