package org.conch.server.cli;

import org.conch.gossip.net.GossipConfig;

/** Where invite codes made here tell newcomers to dial: the pub's public host and gossip port. */
record InviteEndpoint(String host, int port) {
    /** The configured public host and port; without a pub configuration, loopback with a warning. */
    static InviteEndpoint of(VerbCommand verb) {
        verb.err().println("conch: warning: not configured as a pub (no public host): the code names 127.0.0.1, "
                + "which only this machine can dial");
        return new InviteEndpoint("127.0.0.1", GossipConfig.DEFAULT_PORT);
    }

    /** The network to dial pubs on. */
    static GossipConfig network(VerbCommand verb) {
        return GossipConfig.defaults();
    }
}
