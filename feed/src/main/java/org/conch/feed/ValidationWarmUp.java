package org.conch.feed;

import org.conch.feed.json.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the path every received message takes (JSON parsing, canonical JSON, SHA-256, Ed25519
 * verification) over throwaway messages, so that the JIT has compiled it before the first peer sends
 * thousands: a fresh JVM otherwise checks its first tens of thousands of messages at a fraction of its
 * later speed while it compiles, on the same cores.
 */
public final class ValidationWarmUp {
    /** Distinct messages signed for the warm-up; each is then validated many times. */
    private static final int SIGNED = 16;

    private ValidationWarmUp() {
    }

    /**
     * Validates {@code rounds} messages of a throwaway feed.
     *
     * @return how many were valid: all of them, unless validation itself is broken
     */
    public static int run(int rounds) {
        Identity throwaway = Identity.generate();
        List<String> signed = new ArrayList<>(SIGNED);
        FeedState state = null;
        for (int i = 0; i < SIGNED; i++) {
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("type", "post");
            // ASCII, Latin-1, other planes and escapes, as real posts have
            content.put("text", "warm-up " + i + ": caf\u00e9 \u6e2f \ud83d\udc1a \"quoted\"\nnext line");
            Message message = MessageSigner.sign(throwaway, state, content, 1_600_000_000_000.0 + i, SignCap.NONE);
            signed.add(message.compactJson());
            state = FeedState.of(message);
        }
        int valid = 0;
        for (int i = 0; i < rounds; i++) {
            try {
                MessageValidator.validateDetached(Json.parse(signed.get(i % SIGNED)), SignCap.NONE);
                valid++;
            } catch (InvalidMessageException e) {
                // counted as not valid: the caller reports it
            }
        }
        return valid;
    }
}
