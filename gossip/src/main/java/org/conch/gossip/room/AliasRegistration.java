package org.conch.gossip.room;

import org.conch.feed.Ed25519;
import org.conch.feed.FeedId;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The checks of a {@code room.registerAlias(alias, signature)} (rooms 2, "Alias registration"), as pure
 * functions: the alias is a domain label (RFC 1035: a letter, then letters, digits and inner hyphens, at most 63;
 * lower case here, so that an alias names one member however it is typed), and the signature is the member's
 * own, in ssb-keys' form {@code BASE64.sig.ed25519}, over {@code =room-alias-registration:ROOM:FEED:ALIAS}.
 */
public final class AliasRegistration {
    private static final Pattern LABEL = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final String SUFFIX = ".sig.ed25519";

    private AliasRegistration() {
    }

    /** The bytes the member signs. */
    public static byte[] signedText(FeedId room, FeedId member, String alias) {
        return ("=room-alias-registration:" + room + ":" + member + ":" + alias).getBytes(StandardCharsets.UTF_8);
    }

    /** Throws a {@link RoomService.RoomException} saying why the registration is refused. */
    public static void check(FeedId room, FeedId member, String alias, String signature) {
        if (alias == null || !LABEL.matcher(alias).matches()) {
            throw new RoomService.RoomException("alias must be a domain label: a lower-case letter, then letters, digits "
                    + "or inner hyphens, at most 63, got " + (alias == null ? "none" : "\"" + alias + "\""));
        }
        if (signature == null || !signature.endsWith(SUFFIX)) {
            throw new RoomService.RoomException("the alias signature must be BASE64.sig.ed25519");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(signature.substring(0, signature.length() - SUFFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new RoomService.RoomException("the alias signature is not base64");
        }
        if (bytes.length != Ed25519.SIGNATURE_SIZE || !Ed25519.verify(member.bytes(), bytes, signedText(room, member, alias))) {
            throw new RoomService.RoomException("the alias signature does not verify for " + member);
        }
    }
}
