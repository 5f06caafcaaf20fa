package org.conch.server.room;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.server.http.ApiRoutes;
import org.conch.server.http.HttpApi;
import org.conch.server.http.Workers;
import org.conch.server.invite.InviteLimits;
import org.conch.server.invite.InviteRedeemer;
import org.conch.server.invite.InviteRefusedException;
import org.conch.server.invite.InviteStatus;
import org.conch.server.invite.InviteStore;
import org.conch.server.invite.InviteTerms;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A room's HTTP invites (SSB HTTP Invites, as ssb-http-invite-client 1.0.1 claims them) and its members:
 * <ul>
 *   <li>{@code GET /join?invite=TOKEN}: a page with the {@code ssb:experimental?action=claim-http-invite}
 *       link; with {@code &encoding=json} {@code {status:"successful", invite, postTo}};</li>
 *   <li>{@code POST /invite/consume} {@code {id, invite}}: makes {@code id} a member (the room follows it)
 *       and answers {@code {status:"successful", multiserverAddress}}, or {@code {status:"failed", error}};</li>
 *   <li>{@code POST /api/room/invites} {@code {uses, expires, note}}: a new invite's {@code url};</li>
 *   <li>{@code GET /api/room/members}: the members' ids.</li>
 * </ul>
 * An HTTP invite is an invite of the pub's store: its token is the base64url of the seed of the invite's key
 * pair, which the store never keeps, so uses, expiry and revoking work as for the pub's invite codes.
 */
public final class RoomInviteRoutes implements ApiRoutes {
    private static final int MAX_CLAIM_BYTES = 4096;

    private final InviteStore invites;
    private final InviteLimits limits;
    private final InviteRedeemer redeemer;
    private final Supplier<String> roomAddress;
    private final Supplier<String> baseUrl;
    private final Supplier<Set<FeedId>> members;
    private final Workers workers;

    /**
     * @param roomAddress the room's multiserver address, answered to a newcomer who claimed an invite
     * @param baseUrl     how newcomers reach this HTTP server ({@code http://host:port})
     * @param members     the room's members now
     */
    public RoomInviteRoutes(InviteStore invites, InviteLimits limits, InviteRedeemer redeemer, Supplier<String> roomAddress,
                            Supplier<String> baseUrl, Supplier<Set<FeedId>> members, Workers workers) {
        this.invites = invites;
        this.limits = limits;
        this.redeemer = redeemer;
        this.roomAddress = roomAddress;
        this.baseUrl = baseUrl;
        this.members = members;
        this.workers = workers;
    }

    @Override
    public void mountBodyHandlers(Router router) {
        router.post("/invite/consume").handler(BodyHandler.create(false).setBodyLimit(MAX_CLAIM_BYTES));
    }

    @Override
    public void mount(Router router) {
        router.get("/join").handler(this::join);
        router.post("/invite/consume").handler(this::consume);
        router.post("/api/room/invites").handler(this::create);
        router.get("/api/room/members").handler(context -> {
            List<Object> ids = new ArrayList<>();
            for (FeedId member : members.get()) ids.add(member.toString());
            ids.sort(null);
            HttpApi.json(context, 200, ids);
        });
    }

    /** The invite's key, from a token that is the base64url of its seed; null for a token of another shape. */
    static FeedId inviteKey(String token) {
        if (token == null) return null;
        try {
            byte[] seed = Base64.getUrlDecoder().decode(token);
            return seed.length == 32 ? Identity.fromSeed(seed).id() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String token(byte[] seed) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(seed);
    }

    private void join(RoutingContext context) {
        String token = context.request().getParam("invite");
        FeedId key = inviteKey(token);
        boolean json = "json".equals(context.request().getParam("encoding"));
        if (key == null || invites.status(key) != InviteStatus.LIVE) {
            String error = key == null ? "this is not an invite" : "this invite cannot be used any more";
            if (json) HttpApi.json(context, 404, Map.of("status", "failed", "error", error));
            else page(context, 404, "<p>" + error + ".</p>");
            return;
        }
        String postTo = baseUrl.get() + "/invite/consume";
        if (json) {
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("status", "successful");
            reply.put("invite", token);
            reply.put("postTo", postTo);
            HttpApi.json(context, 200, reply);
            return;
        }
        String link = "ssb:experimental?action=claim-http-invite&invite=" + encode(token) + "&postTo=" + encode(postTo);
        page(context, 200, "<p>You are invited to join this room. Open the link in your Scuttlebutt app "
                + "(Manyverse, for one):</p>\n<p><a id=\"claim-invite-uri\" href=\"" + AliasRoutes.escape(link) + "\">Join the room</a></p>");
    }

    private void consume(RoutingContext context) {
        Map<String, Object> body = HttpApi.jsonObjectBody(context);
        if (body == null) return; // answered already
        FeedId key = inviteKey(body.get("invite") instanceof String text ? text : null);
        if (key == null) {
            HttpApi.json(context, 400, Map.of("status", "failed", "error", "invite not found"));
            return;
        }
        InviteStatus status = invites.status(key); // from memory: a claim of a dead invite costs no database work
        if (status != InviteStatus.LIVE) {
            HttpApi.json(context, 403, Map.of("status", "failed", "error", status == InviteStatus.UNKNOWN
                    ? "invite not found" : "this invite cannot be used any more"));
            return;
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("feed", body.get("id"));
        workers.run(() -> redeemer.use(key, List.of(request))).onComplete(result -> {
            if (result.succeeded()) {
                HttpApi.json(context, 200, Map.of("status", "successful", "multiserverAddress", roomAddress.get()));
            } else if (result.cause() instanceof InviteRefusedException refused) {
                HttpApi.json(context, 403, Map.of("status", "failed", "error", refused.getMessage()));
            } else {
                context.fail(result.cause());
            }
        });
    }

    private void create(RoutingContext context) {
        Map<String, Object> body = HttpApi.jsonObjectBody(context);
        if (body == null) return;
        InviteTerms terms;
        try {
            Object uses = body.get("uses");
            terms = limits.terms(uses instanceof Number n ? n.intValue() : InviteTerms.DEFAULT_USES,
                    body.get("expires") instanceof String text ? text : null, body.get("note") instanceof String note ? note : null);
        } catch (IllegalArgumentException e) {
            HttpApi.fail(context, 400, e.getMessage());
            return;
        }
        workers.run(() -> invites.create(terms)).onSuccess(created -> {
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("id", created.invite().key().toString());
            reply.put("url", baseUrl.get() + "/join?invite=" + token(created.seed()));
            HttpApi.json(context, 200, reply);
        }).onFailure(context::fail);
    }

    private static void page(RoutingContext context, int status, String body) {
        AliasRoutes.html(context, status, body);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
