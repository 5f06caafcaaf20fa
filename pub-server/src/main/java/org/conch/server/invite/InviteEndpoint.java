package org.conch.server.invite;

import org.conch.server.ServerConfig;

/**
 * Where an invite code tells newcomers to dial: a pub's public host and gossip port. A server that is
 * not a pub has no public host; its codes name the gossip host, or 127.0.0.1 when it listens on every
 * interface, and come with a warning, since peers elsewhere may be unable to dial that.
 */
public record InviteEndpoint(String host, int port, String warning) {
    public static InviteEndpoint of(ServerConfig config, int gossipPort) {
        if (config.pub()) return new InviteEndpoint(config.publicHost(), gossipPort, null);
        boolean everyInterface = config.host().equals("0.0.0.0") || config.host().equals("::");
        String host = everyInterface ? "127.0.0.1" : config.host();
        return new InviteEndpoint(host, gossipPort, "not configured as a pub (no --pub and --public-host): the code names "
                + host + ":" + gossipPort + ", which peers on other machines may not reach");
    }
}
