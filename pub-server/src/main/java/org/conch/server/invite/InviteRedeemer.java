package org.conch.server.invite;

import org.conch.feed.FeedId;
import org.conch.feed.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The pub's side of {@code invite.use} (ssb-invite's "followbot"), without sockets: a guest that
 * authenticated with an invite's key asks the pub to follow {@code feed}. The checks come in ssb-invite's
 * order (already following, feed missing, invite spent); then one use is counted durably, and the pub
 * publishes {@code {type:'contact', contact: feed, following: true, pub: true, note?}} and answers with
 * that message as {@code {key, value, timestamp}}. Blocking (JDBC): call it from a worker thread.
 */
public final class InviteRedeemer {
    private static final Logger LOG = LoggerFactory.getLogger(InviteRedeemer.class);
    static final String FEED_MISSING = "feed to follow is missing";
    static final String ALREADY_FOLLOWING = "already following";
    static final String EXPIRED = "invite has expired";

    private final InviteStore invites;
    private final FeedId pub;
    private final Predicate<FeedId> pubFollows;
    private final Function<Map<String, Object>, StoredMessage> publishAsPub;

    /**
     * @param pub          the pub's own feed
     * @param pubFollows   whether the pub follows a feed already (its follow graph)
     * @param publishAsPub signs content as the pub, appends it durably and returns it as stored
     */
    public InviteRedeemer(InviteStore invites, FeedId pub, Predicate<FeedId> pubFollows,
                          Function<Map<String, Object>, StoredMessage> publishAsPub) {
        this.invites = Objects.requireNonNull(invites, "invites");
        this.pub = Objects.requireNonNull(pub, "pub");
        this.pubFollows = Objects.requireNonNull(pubFollows, "pubFollows");
        this.publishAsPub = Objects.requireNonNull(publishAsPub, "publishAsPub");
    }

    /**
     * Serves {@code invite.use(args)} for a connection authenticated as {@code inviteKey}.
     *
     * @return the pub's contact message as {@code {key, value, timestamp}}
     * @throws InviteRefusedException with the text to answer the guest with
     */
    public Map<String, Object> use(FeedId inviteKey, List<Object> args) {
        Object feedText = args.isEmpty() || !(args.get(0) instanceof Map<?, ?> request) ? null : request.get("feed");
        try {
            Map<String, Object> kvt = redeem(inviteKey, feedText);
            LOG.atInfo().addKeyValue("invite", inviteKey).addKeyValue("feed", feedText)
                    .log("invite {} redeemed: the pub now follows {}", inviteKey, feedText);
            return kvt;
        } catch (InviteRefusedException e) {
            LOG.atInfo().addKeyValue("invite", inviteKey).addKeyValue("feed", String.valueOf(feedText))
                    .addKeyValue("reason", e.getMessage())
                    .log("invite {} refused for {}: {}", inviteKey, feedText, e.getMessage());
            throw e;
        }
    }

    private Map<String, Object> redeem(FeedId inviteKey, Object feedText) {
        FeedId feed = feedText instanceof String text ? FeedId.tryParse(text).orElse(null) : null;
        if (feed != null && pubFollows.test(feed)) {
            throw new InviteRefusedException(ALREADY_FOLLOWING, InviteStatus.LIVE);
        }
        if (feedText == null || "".equals(feedText)) {
            throw new InviteRefusedException(FEED_MISSING, InviteStatus.LIVE);
        }
        if (feed == null) {
            throw new InviteRefusedException("feed to follow is not a feed id: " + feedText, InviteStatus.LIVE);
        }
        if (feed.equals(pub)) {
            throw new InviteRefusedException("feed to follow is the pub itself", InviteStatus.LIVE);
        }
        InviteStatus status = invites.use(inviteKey);
        if (status != InviteStatus.LIVE) {
            throw new InviteRefusedException(refusal(status), status);
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "contact");
        content.put("contact", feed.toString());
        content.put("following", true);
        content.put("pub", true);
        invites.find(inviteKey).map(Invite::note).ifPresent(note -> content.put("note", note));
        StoredMessage published = publishAsPub.apply(content);
        Map<String, Object> kvt = new LinkedHashMap<>();
        kvt.put("key", published.message().key().toString());
        kvt.put("value", published.message().value());
        kvt.put("timestamp", published.receivedAt());
        return kvt;
    }

    /** The answer for an invite that cannot be used: ssb-invite says "expired" for a used-up one too. */
    static String refusal(InviteStatus status) {
        return switch (status) {
            case USED_UP, EXPIRED -> EXPIRED;
            case REVOKED -> "invite has been revoked";
            case UNKNOWN -> "invite not found";
            case LIVE -> throw new IllegalArgumentException("a live invite is not refused");
        };
    }
}
