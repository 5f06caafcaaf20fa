package org.conch.gossip.replication;

import org.conch.feed.FeedId;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The notes of EBT version 3 (epidemic-broadcast-trees {@code v3.js}): one integer per feed in a
 * JSON object {@code {"@….ed25519": n, …}}. {@code -1} means "I do not replicate this feed"; otherwise
 * {@code n = (sequence << 1) | (receive ? 0 : 1)}: the sender holds the feed up to {@code sequence}
 * and, when the low bit is clear, asks the other side to send what follows.
 *
 * <p>JavaScript shifts in 32 bits; every sequence a classic feed can hold (below 2^30, see
 * protocol.md §8.11) encodes the same here. Decoding follows JS: a value that is not an integer, or any
 * negative one, means "not replicating"; larger values are taken modulo 2^32 as {@code >>} and
 * {@code &} do.
 */
public final class VectorClock {
    /** The note for "do not replicate this feed". */
    public static final long DO_NOT_REPLICATE = -1;

    private VectorClock() {
    }

    /** One decoded note. {@code sequence} is -1 when the feed is not replicated. */
    public record Note(long sequence, boolean replicate, boolean receive) {
        public static final Note NOT_REPLICATING = new Note(-1, false, false);
    }

    /** The note for a feed held up to {@code sequence} (≥ 0), asking to receive what follows or not. */
    public static long encode(long sequence, boolean receive) {
        if (sequence < 0) {
            return DO_NOT_REPLICATE;
        }
        return (sequence << 1) | (receive ? 0 : 1);
    }

    /** Reads one note value of the JSON model (a Double from the wire, or any Number). */
    public static Note decode(Object value) {
        if (!(value instanceof Number number)) {
            return Note.NOT_REPLICATING;
        }
        double d = number.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d) || d < 0) {
            return Note.NOT_REPLICATING;
        }
        int int32 = toInt32(d);
        if (int32 < 0) {
            return Note.NOT_REPLICATING; // JS: seq >> 1 is negative, getReplicate fails
        }
        return new Note(int32 >> 1, true, (int32 & 1) == 0);
    }

    public static Note decode(long value) {
        return decode((Object) (double) value);
    }

    /** ECMAScript ToInt32 of an integral double. */
    private static int toInt32(double d) {
        if (Math.abs(d) < 0x1p63) {
            return (int) (long) d;
        }
        double m = d % 0x1p32; // exact for doubles
        return (int) (long) m;
    }

    /**
     * Parses a received notes object into feed → note, skipping keys that are not feed ids (ssb-ebt's
     * {@code cleanClock}). A notes object nested as {@code {"clock": {…}}} is unwrapped, as
     * epidemic-broadcast-trees allows.
     */
    public static Map<FeedId, Note> parse(Map<?, ?> notes) {
        Map<?, ?> clock = notes.get("clock") instanceof Map<?, ?> inner ? inner : notes;
        Map<FeedId, Note> parsed = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : clock.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                continue;
            }
            Optional<FeedId> feed = FeedId.tryParse(key);
            feed.ifPresent(id -> parsed.put(id, decode(entry.getValue())));
        }
        return parsed;
    }

    /** The JSON value of a note, as the wire model wants it (a Double). */
    static Double wire(long note) {
        return (double) note;
    }
}
