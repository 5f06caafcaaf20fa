package org.conch.server.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Cursors go out as text and come back from anyone: only what format wrote parses. */
class CursorsTest {
    @Test
    void aCursorReadsBackAsItsPosition() {
        for (long position : new long[]{0, 1, 35, 36, 1_000_000, Long.MAX_VALUE}) {
            assertThat(Cursors.parse(Cursors.format(position))).hasValue(position);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+1", "1.5", "zzzzzzzzzzzzzz", "1e3 ", "%41", "１"})
    void anythingElseIsNoCursor(String text) {
        assertThat(Cursors.parse(text)).isEqualTo(OptionalLong.empty());
    }

    @Test
    void nullIsNoCursor() {
        assertThat(Cursors.parse(null)).isEmpty();
    }
}
