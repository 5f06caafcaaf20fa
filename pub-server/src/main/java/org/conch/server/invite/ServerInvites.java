package org.conch.server.invite;

import org.conch.feed.FeedId;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.net.PeerConnection;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How invites change a running server's gossip: which keys the secret handshake admits, what a
 * connection may call, and which connections are guests (never replicated with). A guest is a client
 * that authenticated with an invite's key; it is admitted only while the invite is live.
 */
public final class ServerInvites {
    private final InviteStore invites;
    private final InviteRedeemer redeemer;
    private final Executor workers;
    private final Supplier<String> pubAddress;
    private final GuestMethods.RedemptionListener listener;

    /**
     * @param workers    where redemptions run (JDBC and publishing)
     * @param pubAddress this pub's multiserver address, answered to a guest's {@code getAddress}
     * @param listener   hears of each redemption answered
     */
    public ServerInvites(InviteStore invites, InviteRedeemer redeemer, Executor workers, Supplier<String> pubAddress,
                         GuestMethods.RedemptionListener listener) {
        this.invites = Objects.requireNonNull(invites, "invites");
        this.redeemer = Objects.requireNonNull(redeemer, "redeemer");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.pubAddress = Objects.requireNonNull(pubAddress, "pubAddress");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public InviteStore store() {
        return invites;
    }

    /**
     * The handshake authorizer: an invite's key only while the invite is live (from memory, as it runs
     * on an event loop), every other key as {@code others} decides.
     */
    public Predicate<FeedId> authorizer(Predicate<FeedId> others) {
        return feed -> invites.isInviteKey(feed) ? invites.status(feed) == InviteStatus.LIVE : others.test(feed);
    }

    /** Whether the peer of {@code connection} is a guest: it dialled us with an invite's key. */
    public boolean isGuest(PeerConnection connection) {
        return !connection.isClient() && invites.isInviteKey(connection.remoteId());
    }

    /** A guest's connection gets only the invite methods; every other one what {@code others} gives. */
    public Function<PeerConnection, MethodRegistry> methods(Function<PeerConnection, MethodRegistry> others) {
        return connection -> isGuest(connection)
                ? GuestMethods.forGuest(connection.remoteId(), redeemer, workers, pubAddress, listener)
                : others.apply(connection);
    }
}
