package org.conch.server.invite;

import org.conch.feed.FeedId;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One stored invite: the key its redeemers authenticate with, how often it may be used and has been,
 * when it was made and when it expires (null: never), the note the pub publishes with each follow, and
 * whether it was revoked. Immutable; the store hands out a new one for each change.
 */
public record Invite(FeedId key, int totalUses, int usedCount, Instant created, Instant expires, String note,
                     boolean revoked) {
    public Invite {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(created, "created");
    }

    /** What a redemption at {@code now} would find. */
    public InviteStatus status(Instant now) {
        if (revoked) return InviteStatus.REVOKED;
        if (expires != null && !now.isBefore(expires)) return InviteStatus.EXPIRED;
        if (usedCount >= totalUses) return InviteStatus.USED_UP;
        return InviteStatus.LIVE;
    }

    Invite withOneMoreUse() {
        return new Invite(key, totalUses, Math.min(totalUses, usedCount + 1), created, expires, note, revoked);
    }

    Invite asRevoked() {
        return new Invite(key, totalUses, usedCount, created, expires, note, true);
    }

    /** The JSON model ({@link org.conch.feed.json.CanonicalJson#compact}) of {@code invite list --json} and the HTTP API. */
    public Map<String, Object> toJson(Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", key.toString());
        json.put("uses", (double) totalUses);
        json.put("used", (double) usedCount);
        json.put("created", (double) created.toEpochMilli());
        json.put("expires", expires == null ? null : (double) expires.toEpochMilli());
        json.put("note", note);
        json.put("revoked", revoked);
        json.put("status", status(now).label());
        return json;
    }
}
