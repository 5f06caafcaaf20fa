package org.conch.gossip.replication;

import org.conch.feed.FeedId;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VectorClockTest {
    @Test
    void decodesTheDocumentedCases() {
        assertThat(VectorClock.decode(0.0)).isEqualTo(new VectorClock.Note(0, true, true));
        assertThat(VectorClock.decode(1.0)).isEqualTo(new VectorClock.Note(0, true, false));
        assertThat(VectorClock.decode(450.0)).isEqualTo(new VectorClock.Note(225, true, true));
        assertThat(VectorClock.decode(451.0)).isEqualTo(new VectorClock.Note(225, true, false));
        assertThat(VectorClock.decode(-1.0)).isEqualTo(VectorClock.Note.NOT_REPLICATING);
    }

    @Test
    void encodesTheDocumentedCases() {
        assertThat(VectorClock.encode(0, true)).isEqualTo(0);
        assertThat(VectorClock.encode(0, false)).isEqualTo(1);
        assertThat(VectorClock.encode(225, true)).isEqualTo(450);
        assertThat(VectorClock.encode(225, false)).isEqualTo(451);
        assertThat(VectorClock.encode(-1, true)).isEqualTo(-1);
    }

    @Test
    void roundTrips() {
        for (long seq : new long[]{0, 1, 2, 1000, (1L << 30) - 1}) {
            for (boolean rx : new boolean[]{true, false}) {
                VectorClock.Note note = VectorClock.decode(VectorClock.encode(seq, rx));
                assertThat(note).isEqualTo(new VectorClock.Note(seq, true, rx));
            }
        }
    }

    @Test
    void readsOddValuesAsJavaScriptDoes() {
        assertThat(VectorClock.decode(-2.0).replicate()).isFalse(); // fork marker: not replicating
        assertThat(VectorClock.decode(2.5).replicate()).isFalse();  // not an integer
        assertThat(VectorClock.decode("4").replicate()).isFalse();
        assertThat(VectorClock.decode((Object) null).replicate()).isFalse();
        assertThat(VectorClock.decode(Double.NaN).replicate()).isFalse();
        // 2^32 + 6 is 6 after ToInt32, as in `seq >> 1` in JS
        assertThat(VectorClock.decode(4294967302.0)).isEqualTo(new VectorClock.Note(3, true, true));
        assertThat(VectorClock.decode(3L)).isEqualTo(new VectorClock.Note(1, true, false));
    }

    @Test
    void parsesNotesSkippingWhatIsNotAFeed() {
        FeedId feed = Node.identity(1).id();
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put(feed.toString(), 20.0);
        notes.put("%notAFeed.sha256", 2.0);
        notes.put("garbage", 4.0);
        assertThat(VectorClock.parse(notes)).containsOnlyKeys(feed)
                .containsEntry(feed, new VectorClock.Note(10, true, true));
        Map<String, Object> wrapped = new LinkedHashMap<>();
        wrapped.put("clock", notes);
        assertThat(VectorClock.parse(wrapped)).containsOnlyKeys(feed);
    }
}
