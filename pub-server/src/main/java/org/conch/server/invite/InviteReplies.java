package org.conch.server.invite;

import org.conch.feed.FeedId;
import org.conch.feed.Message;
import org.conch.feed.ref.InviteCode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON model of invite results, the same whether the CLI acts on the data directory itself or asks
 * the running server over HTTP: the CLI prints from these.
 */
public final class InviteReplies {
    private InviteReplies() {
    }

    /** The invite as {@link Invite#toJson}, plus {@code code} and, when the endpoint has one, {@code warning}. */
    public static Map<String, Object> created(CreatedInvite created, InviteEndpoint endpoint, FeedId pub) {
        Map<String, Object> reply = created.invite().toJson(Instant.now());
        reply.put("code", created.code(endpoint.host(), endpoint.port(), pub).toString());
        if (endpoint.warning() != null) reply.put("warning", endpoint.warning());
        return reply;
    }

    public static List<Object> list(List<Invite> invites) {
        Instant now = Instant.now();
        List<Object> list = new ArrayList<>();
        for (Invite invite : invites) list.add(invite.toJson(now));
        return list;
    }

    /** {@code {pub, address, published: [keys]}} after a redemption. */
    public static Map<String, Object> accepted(InviteCode code, List<Message> published) {
        Map<String, Object> reply = new java.util.LinkedHashMap<>();
        reply.put("pub", code.pubKey().toString());
        reply.put("address", code.address().toString());
        reply.put("published", published.stream().map(message -> (Object) message.key().toString()).toList());
        return reply;
    }
}
