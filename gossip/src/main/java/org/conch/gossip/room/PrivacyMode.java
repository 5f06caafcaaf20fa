package org.conch.gossip.room;

import java.util.Locale;

/**
 * Who may use a room (rooms 2, "Privacy modes"): in an open room everyone who connects is an internal user
 * (an attendant others can tunnel to); in a community room only members are, while anyone may still connect
 * and open tunnels to them; a restricted room admits members only.
 */
public enum PrivacyMode {
    OPEN, COMMUNITY, RESTRICTED;

    /** The mode named {@code open}, {@code community} or {@code restricted}; null for anything else. */
    public static PrivacyMode parse(String name) {
        if (name == null) return null;
        for (PrivacyMode mode : values()) {
            if (mode.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) return mode;
        }
        return null;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
