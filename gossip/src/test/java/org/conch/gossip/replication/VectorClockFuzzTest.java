package org.conch.gossip.replication;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.FuzzSeeds;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notes of an EBT peer (its vector clock), as JSON objects of any shape: {@link VectorClock#parse} never throws,
 * keeps only keys that are feed ids, and reads every value as a note that replicates from a sequence of at least 0
 * or does not replicate.
 */
@Fuzz.Target
class VectorClockFuzzTest {

    @Property(tries = 2_000)
    void anyNotesReadAsNotesOfFeeds(@ForAll("notes") Map<String, Object> notes) {
        Map<?, VectorClock.Note> parsed = Fuzz.call(() -> VectorClock.parse(notes)).allowing();
        for (VectorClock.Note note : parsed.values()) {
            assertThat(note.replicate() ? note.sequence() >= 0 : note.equals(VectorClock.Note.NOT_REPLICATING)).isTrue();
        }
    }

    /** Objects keyed by feed ids (and not), some nested under {@code clock}, of any values. */
    @Provide
    Arbitrary<Map<String, Object>> notes() {
        List<String> keys = new ArrayList<>(FuzzSeeds.refInputs("isFeed", "isFeedType"));
        keys.add("clock");
        return FuzzSeeds.jsonValues(2, keys, keys).map(value -> value instanceof Map<?, ?> map
                ? castKeys(map) : java.util.Collections.singletonMap("clock", value));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castKeys(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
