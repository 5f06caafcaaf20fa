package org.conch.gossip.room;

import java.time.Duration;

/**
 * Settings of a room server, validated once when built.
 *
 * @param name                   shown to clients by {@code room.metadata}
 * @param mode                   who may attend (see {@link PrivacyMode})
 * @param maxAttendants          internal users online at once; more are refused
 * @param maxTunnelsPerAttendant tunnels one peer may have open as their origin at once; more are refused
 * @param tunnelBytesPerSecond   bytes a second each direction of a tunnel relays; a faster sender is paused
 * @param stallTimeout           how long a peer may leave tunnel bytes unread (its write queue full) before
 *                               it is cut
 */
public record RoomConfig(String name, PrivacyMode mode, int maxAttendants, int maxTunnelsPerAttendant,
                         long tunnelBytesPerSecond, Duration stallTimeout) {
    public static final int DEFAULT_MAX_ATTENDANTS = 1000;
    public static final int DEFAULT_MAX_TUNNELS_PER_ATTENDANT = 16;
    public static final long DEFAULT_TUNNEL_BYTES_PER_SECOND = 4L << 20;
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

    public RoomConfig {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("room name must not be empty");
        if (mode == null) throw new IllegalArgumentException("room mode must be open, community or restricted");
        if (maxAttendants < 1) throw new IllegalArgumentException("room maxAttendants must be at least 1, got " + maxAttendants);
        if (maxTunnelsPerAttendant < 1) {
            throw new IllegalArgumentException("room maxTunnelsPerAttendant must be at least 1, got " + maxTunnelsPerAttendant);
        }
        if (tunnelBytesPerSecond < 1024) {
            throw new IllegalArgumentException("room tunnelBytesPerSecond must be at least 1024, got " + tunnelBytesPerSecond);
        }
        if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("room stallTimeout must be positive, got " + stallTimeout);
        }
    }

    public static RoomConfig open(String name) {
        return new RoomConfig(name, PrivacyMode.OPEN, DEFAULT_MAX_ATTENDANTS, DEFAULT_MAX_TUNNELS_PER_ATTENDANT,
                DEFAULT_TUNNEL_BYTES_PER_SECOND, DEFAULT_STALL_TIMEOUT);
    }

    public RoomConfig withMode(PrivacyMode value) {
        return new RoomConfig(name, value, maxAttendants, maxTunnelsPerAttendant, tunnelBytesPerSecond, stallTimeout);
    }

    public RoomConfig withLimits(int attendants, int tunnelsPerAttendant, long bytesPerSecond) {
        return new RoomConfig(name, mode, attendants, tunnelsPerAttendant, bytesPerSecond, stallTimeout);
    }

    public RoomConfig withStallTimeout(Duration value) {
        return new RoomConfig(name, mode, maxAttendants, maxTunnelsPerAttendant, tunnelBytesPerSecond, value);
    }
}
