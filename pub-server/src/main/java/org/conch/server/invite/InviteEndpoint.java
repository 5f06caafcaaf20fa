package org.conch.server.invite;

/**
 * Where an invite code tells newcomers to dial: host and gossip port, and a warning for the user when
 * peers on other machines may be unable to reach that address (the server is not configured as a pub).
 */
public record InviteEndpoint(String host, int port, String warning) {
}
