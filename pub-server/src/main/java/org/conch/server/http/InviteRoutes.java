package org.conch.server.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.SignCap;
import org.conch.feed.ref.InvalidRefException;
import org.conch.feed.ref.InviteCode;
import org.conch.feed.store.H2FeedStore;
import org.conch.gossip.net.GossipConfig;
import org.conch.server.invite.InviteAcceptor;
import org.conch.server.invite.InviteEndpoint;
import org.conch.server.invite.InviteLimits;
import org.conch.server.invite.InviteReplies;
import org.conch.server.invite.InviteStore;
import org.conch.server.invite.InviteTerms;

import java.util.Map;

/**
 * The invites of a running server, for {@code conch invite …} and the web client:
 * <ul>
 *   <li>{@code POST /api/invites {uses?, expires? ("7d", "12h", "30m"), note?}}: a new invite and its code; uses
 *       and expiry over the settings invite-max-uses and invite-max-days are refused (400);</li>
 *   <li>{@code GET /api/invites}: all invites;</li>
 *   <li>{@code DELETE /api/invites/:id}: revokes one (404 when there is none);</li>
 *   <li>{@code POST /api/invites/accept {code}}: redeems a pub's invite, publishes the follow of the pub and its
 *       address, and keeps this server connected to the pub.</li>
 * </ul>
 */
public final class InviteRoutes implements ApiRoutes {
    private final InviteStore invites;
    private final InviteLimits limits;
    private final InviteEndpoint endpoint;
    private final Identity identity;
    private final H2FeedStore store;
    private final GossipConfig gossip;
    private final Peers peers;
    private final Workers workers;

    /**
     * @param endpoint where this server's codes send newcomers
     * @param gossip   how to dial a pub whose invite is accepted here
     */
    public InviteRoutes(InviteStore invites, InviteLimits limits, InviteEndpoint endpoint, Identity identity, H2FeedStore store,
                        GossipConfig gossip, Peers peers, Workers workers) {
        this.invites = invites;
        this.limits = limits;
        this.endpoint = endpoint;
        this.identity = identity;
        this.store = store;
        this.gossip = gossip;
        this.peers = peers;
        this.workers = workers;
    }

    @Override
    public void mount(Router router) {
        router.post("/api/invites").handler(this::create);
        router.get("/api/invites").handler(context -> workers.run(() -> InviteReplies.list(invites.list()))
                .onSuccess(list -> HttpApi.json(context, 200, list)).onFailure(context::fail));
        router.delete("/api/invites/:id").handler(this::revoke);
        router.post("/api/invites/accept").handler(this::accept);
    }

    private void create(RoutingContext context) {
        Map<String, Object> body = HttpApi.jsonObjectBody(context);
        if (body == null) return;
        InviteTerms terms;
        try {
            terms = terms(body, limits);
        } catch (IllegalArgumentException e) {
            HttpApi.fail(context, 400, e.getMessage());
            return;
        }
        workers.run(() -> InviteReplies.created(invites.create(terms), endpoint, identity.id()))
                .onSuccess(created -> HttpApi.json(context, 200, created))
                .onFailure(context::fail);
    }

    /**
     * {@code uses} a whole number, {@code expires} as {@link InviteTerms#parseValidity}, {@code note} text;
     * uses and expiry within {@code limits}.
     */
    static InviteTerms terms(Map<String, Object> body, InviteLimits limits) {
        Object uses = body.getOrDefault("uses", (double) InviteTerms.DEFAULT_USES);
        if (!(uses instanceof Double number) || number != Math.rint(number)) {
            throw new IllegalArgumentException("uses must be a whole number, got " + uses);
        }
        Object expires = body.get("expires");
        if (expires != null && !(expires instanceof String)) throw new IllegalArgumentException("expires must be text like 7d, 12h or 30m");
        Object note = body.get("note");
        if (note != null && !(note instanceof String)) throw new IllegalArgumentException("note must be text");
        return limits.terms(number.longValue(), (String) expires, (String) note);
    }

    private void revoke(RoutingContext context) {
        FeedId key = HttpApi.pathRef(context, "id", FeedId::tryParse, "an invite key");
        if (key == null) return;
        workers.run(() -> invites.revoke(key)).onSuccess(revoked -> {
            if (revoked) HttpApi.json(context, 200, Map.of("revoked", key.toString()));
            else HttpApi.fail(context, 404, "no invite has the key " + key);
        }).onFailure(context::fail);
    }

    private void accept(RoutingContext context) {
        Map<String, Object> body = HttpApi.jsonObjectBody(context);
        if (body == null) return;
        InviteCode code;
        try {
            code = InviteCode.parse(String.valueOf(body.get("code")));
        } catch (InvalidRefException e) {
            HttpApi.fail(context, 400, e.getMessage());
            return;
        }
        if (code.pubKey().equals(identity.id())) {
            HttpApi.fail(context, 400, "that invite is for this server's own pub");
            return;
        }
        InviteAcceptor.accept(context.vertx(), gossip, code, identity.id(),
                        contents -> workers.run(() -> store.publish(identity, contents, SignCap.NONE)))
                .onSuccess(reply -> {
                    // replicate with the pub from now on, over a connection with our own key
                    peers.dial(code.address(), true);
                    HttpApi.json(context, 200, reply);
                })
                .onFailure(e -> HttpApi.fail(context, e instanceof InviteAcceptor.InviteAcceptException ? 502 : 500, e.getMessage()));
    }
}
