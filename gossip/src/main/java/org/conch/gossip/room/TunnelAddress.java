package org.conch.gossip.room;

import org.conch.feed.FeedId;
import org.conch.gossip.GossipException;

import java.util.Objects;

/**
 * An attendant reached through a room: {@code tunnel:@ROOM:@TARGET~shs:KEY}, as ssb-room-client writes it (KEY is the
 * target's bare base64 key). {@code tunnel:@ROOM:@TARGET} alone also parses.
 */
public record TunnelAddress(FeedId room, FeedId target) {
    private static final String PREFIX = "tunnel:";

    public TunnelAddress {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(target, "target");
    }

    public static TunnelAddress parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new GossipException("not a tunnel address (tunnel:@ROOM:@TARGET~shs:KEY): " + text);
        }
        String rest = text.substring(PREFIX.length());
        int shs = rest.indexOf("~shs:");
        String ids = shs < 0 ? rest : rest.substring(0, shs);
        int colon = ids.indexOf(':');
        FeedId room = colon < 0 ? null : FeedId.tryParse(ids.substring(0, colon)).orElse(null);
        FeedId target = colon < 0 ? null : FeedId.tryParse(ids.substring(colon + 1)).orElse(null);
        if (room == null || target == null) {
            throw new GossipException("not a tunnel address (tunnel:@ROOM:@TARGET~shs:KEY): " + text);
        }
        if (shs >= 0 && !rest.substring(shs + "~shs:".length()).equals(target.base64())) {
            throw new GossipException("the shs key of " + text + " is not the target's");
        }
        return new TunnelAddress(room, target);
    }

    /** {@code tunnel:@ROOM:@TARGET}: how logs and the peers listing name the connection. */
    public String withoutKey() {
        return PREFIX + room + ":" + target;
    }

    @Override
    public String toString() {
        return withoutKey() + "~shs:" + target.base64();
    }
}
