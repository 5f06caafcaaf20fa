package org.conch.server.invite;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.ref.InviteCode;
import org.conch.gossip.muxrpc.RemoteCallException;
import org.conch.gossip.net.GossipConfig;
import org.conch.gossip.net.GossipNode;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The newcomer's side of an invite (ssb-invite's {@code accept}): dial the pub authenticated as the
 * invite's key pair and ask it, with {@code invite.use}, to follow our feed. A throw-away
 * {@link GossipNode} makes that one connection, so nothing of replication ever runs on it; afterwards
 * the caller publishes {@link #announcements} and dials the pub with its own key to replicate.
 */
public final class InviteAcceptor {
    /** How long the pub has to answer invite.use once connected. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private InviteAcceptor() {
    }

    /**
     * Redeems {@code code} for {@code feed}. Completes with the pub's answer (its follow of us, as
     * {@code {key, value, timestamp}}), or fails with an {@link InviteAcceptException} whose message is
     * one line for the user: the pub unreachable, the invite's key refused, or the pub's refusal text.
     *
     * @param network the network key and handshake timeout to dial with (host and port are not used)
     */
    public static Future<Object> redeem(Vertx vertx, GossipConfig network, InviteCode code, FeedId feed) {
        GossipNode inviteNode = GossipNode.create(vertx, Identity.fromSeed(code.seed()), network);
        String pub = code.host() + ":" + code.port();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("feed", feed.toString());
        return inviteNode.connect(code.address())
                .recover(failure -> Future.failedFuture(connectFailure(pub, failure)))
                .compose(connection -> {
                    Promise<Object> answer = Promise.promise();
                    long timer = vertx.setTimer(ANSWER_TIMEOUT.toMillis(), t -> answer.tryFail(new InviteAcceptException(
                            "the pub at " + pub + " did not answer invite.use within " + ANSWER_TIMEOUT.toSeconds() + " s")));
                    connection.session().async("invite.use", List.of(request)).whenComplete((reply, error) -> {
                        vertx.cancelTimer(timer);
                        if (error == null) answer.tryComplete(reply);
                        else answer.tryFail(callFailure(pub, error));
                    });
                    return answer.future();
                })
                .eventually(inviteNode::close);
    }

    /**
     * Redeems {@code code} for {@code self}, then publishes {@link #announcements} with {@code publish}
     * (which signs as {@code self} and completes once the messages are durable). Completes with
     * {@link InviteReplies#accepted}.
     */
    public static Future<Map<String, Object>> accept(Vertx vertx, GossipConfig network, InviteCode code, FeedId self,
                                                     Function<List<Map<String, Object>>, Future<List<Message>>> publish) {
        return redeem(vertx, network, code, self)
                .compose(pubsAnswer -> publish.apply(announcements(code)))
                .map(published -> InviteReplies.accepted(code, published));
    }

    /**
     * What the newcomer publishes once the pub accepted, as ssb-invite does: a follow of the pub
     * ({@code autofollow}: followed because of an invite) and the pub's address.
     */
    public static List<Map<String, Object>> announcements(InviteCode code) {
        Map<String, Object> follow = new LinkedHashMap<>();
        follow.put("type", "contact");
        follow.put("contact", code.pubKey().toString());
        follow.put("following", true);
        follow.put("autofollow", true);
        return List.of(follow, PubMessages.pubContent(code.host(), code.port(), code.pubKey()));
    }

    private static InviteAcceptException connectFailure(String pub, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof io.netty.channel.ConnectTimeoutException) {
            return new InviteAcceptException("cannot reach the pub at " + pub + ": " + cause.getMessage(), failure);
        }
        // The TCP connection stood but the handshake failed: a pub refuses the key of an invite that is
        // used up, expired or revoked, and a code for another network fails the same way.
        return notAccepted(pub, cause, failure);
    }

    private static InviteAcceptException callFailure(String pub, Throwable failure) {
        Throwable cause = unwrap(failure);
        // ssb-server lets a spent invite's key in with no permissions at all
        if (cause instanceof RemoteCallException refused && refused.isMissingMethod("invite", "use")) {
            return notAccepted(pub, cause, failure);
        }
        if (cause instanceof RemoteCallException refused) {
            return new InviteAcceptException("the pub at " + pub + " refused the invite: " + refused.getMessage(), failure);
        }
        return new InviteAcceptException("invite.use at " + pub + " failed: " + cause.getMessage(), failure);
    }

    private static InviteAcceptException notAccepted(String pub, Throwable cause, Throwable failure) {
        return new InviteAcceptException("the pub at " + pub + " did not accept the invite (used up, expired or revoked?): "
                + cause.getMessage(), failure);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** An invite could not be redeemed; the message is one line for the user. */
    public static final class InviteAcceptException extends RuntimeException {
        public InviteAcceptException(String message) {
            super(message);
        }

        public InviteAcceptException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
