package org.conch.server.invite;

import org.conch.feed.FeedId;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.MethodRegistry.Access;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What a guest (a connection authenticated with an invite's key) may call, as in ssb-invite's
 * permissions: {@code invite.use} and {@code getAddress}, plus {@code manifest}. Nothing else: no
 * history streams, no EBT, so a guest is never replicated with.
 */
public final class GuestMethods {
    private GuestMethods() {
    }

    /** Hears how each {@code invite.use} was answered (for metrics). */
    public interface RedemptionListener {
        void redeemed();

        void refused();
    }

    /**
     * A registry for one guest connection.
     *
     * @param inviteKey the key the guest authenticated with
     * @param workers   where redemptions run (they do JDBC); replies go back on the connection's context
     * @param address   the pub's own multiserver address, answered to {@code getAddress}
     */
    public static MethodRegistry forGuest(FeedId inviteKey, InviteRedeemer redeemer, Executor workers,
                                          Supplier<String> address, RedemptionListener listener) {
        MethodRegistry registry = new MethodRegistry();
        registry.async("manifest", Access.ANYONE,
                (context, args) -> CompletableFuture.completedFuture(registry.manifest(context.caller())));
        registry.async("invite.use", Access.ANYONE,
                (context, args) -> CompletableFuture.supplyAsync(() -> redeemer.use(inviteKey, args), workers)
                        .whenComplete((published, refusal) -> {
                            if (refusal == null) listener.redeemed();
                            else listener.refused();
                        }));
        registry.async("getAddress", Access.ANYONE,
                (context, args) -> CompletableFuture.completedFuture(address.get()));
        return registry;
    }
}
