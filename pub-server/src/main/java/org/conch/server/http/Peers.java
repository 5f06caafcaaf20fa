package org.conch.server.http;

import io.vertx.core.Future;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.gossip.room.TunnelAddress;

/** The gossip side as the HTTP API sees it: the peers connected, and dialling one. */
public interface Peers {
    int connectionCount();

    /** Dials {@code address} once, or with {@code keep} whenever it drops too; completes with the first attempt. */
    Future<?> dial(MultiserverAddress address, boolean keep);

    /** Opens a tunnel through a room we attend to its attendant; completes once connected. */
    Future<?> dialTunnel(TunnelAddress address);
}
