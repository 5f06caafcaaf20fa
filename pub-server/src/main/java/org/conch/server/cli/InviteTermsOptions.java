package org.conch.server.cli;

import org.conch.server.invite.InviteLimits;
import org.conch.server.invite.InviteTerms;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** The terms of a new invite, as options of {@code conch invite create} and {@code conch room invite create}. */
final class InviteTermsOptions {
    @Option(names = "--uses", paramLabel = "N", description = "How many people may redeem it (default: ${DEFAULT-VALUE}; at most the setting invite-max-uses).")
    private int uses = InviteTerms.DEFAULT_USES;

    @Option(names = "--expires", paramLabel = "DURATION", description = "Valid for this long: 7d, 12h or 30m (default: no expiry; at most the setting invite-max-days).")
    private String expires;

    @Option(names = "--note", paramLabel = "TEXT", description = "Published with the server's follow of each newcomer.")
    private String note;

    /** The terms within {@code limits}; an {@link IllegalArgumentException} naming the setting otherwise. */
    InviteTerms terms(InviteLimits limits) {
        return limits.terms(uses, expires, note);
    }

    /** The body of {@code POST /api/invites} or {@code /api/room/invites}. */
    Map<String, Object> request() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("uses", (double) uses);
        if (expires != null) request.put("expires", expires);
        if (note != null) request.put("note", note);
        return request;
    }
}
