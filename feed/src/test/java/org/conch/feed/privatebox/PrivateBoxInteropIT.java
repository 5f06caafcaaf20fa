package org.conch.feed.privatebox;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.feed.testing.NodeReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Private messages between conch and the JavaScript that Manyverse and Patchwork run (ssb-keys 8.5.0 over
 * private-box 0.3.1, pinned in scripts/interop): conch opens every box the JavaScript makes, the JavaScript
 * opens every box conch makes, to 1 and to 7 recipients, and a box for others stays closed on both sides.
 * The boxes are made afresh on every run by {@code scripts/interop/box1-interop.js}.
 */
class PrivateBoxInteropIT {
    private static final String SCRIPT = "box1-interop.js";
    private static final String SEED = "20261205";
    private static final int ROUNDS = 25;
    /** The cases of one round of the script, each with the identities that must open its box. */
    private static final Map<String, List<Integer>> OPENERS = Map.of(
            "to 1", List.of(0),
            "to 7", List.of(0, 1, 2, 3, 4, 5, 6),
            "to others", List.of(7, 8),
            "8 slots", List.of(0, 1, 2, 3, 4, 5, 6, 7),
            "9 slots", List.of(0, 1, 2, 3, 4, 5, 6, 7));
    private static final List<String> CONCH_CASES = List.of("to 1", "to 7", "to others");

    private static List<Map<String, Object>> nodeBoxes;
    private static List<Identity> identities;

    @BeforeAll
    static void letTheJavaScriptBox() throws Exception {
        nodeBoxes = new ArrayList<>();
        for (String line : NodeReference.run(SCRIPT, "box", "--seed", SEED, "--rounds", String.valueOf(ROUNDS))) {
            nodeBoxes.add(Json.parseObject(line));
        }
        identities = strings(nodeBoxes.get(0).get("seeds")).stream()
                .map(seed -> Identity.fromSeed(Base64.getDecoder().decode(seed)))
                .toList();
    }

    @Test
    void conchOpensEveryBoxTheJavaScriptMakesAndOnlyThose() {
        Map<String, Integer> opened = new TreeMap<>();
        for (Map<String, Object> box : nodeBoxes) {
            String name = (String) box.get("case");
            String boxed = (String) box.get("boxed");
            List<Integer> openers = OPENERS.get(name);
            assertThat(indexes(box.get("openers"))).as("the script's openers of %s", name).isEqualTo(openers);
            @SuppressWarnings("unchecked")
            Map<String, Object> nodeKeys = (Map<String, Object>) box.get("unboxKeys");
            for (int i = 0; i < identities.size(); i++) {
                if (openers.contains(i)) {
                    assertThat(PrivateContent.unbox(boxed, identities.get(i))).as("%s, identity %d", name, i)
                            .contains(box.get("content"));
                    assertThat(PrivateContent.unboxKey(boxed, identities.get(i)).map(UnboxKey::base64))
                            .as("%s, identity %d: the key ssb-keys' unboxKey gives", name, i).contains((String) nodeKeys.get(String.valueOf(i)));
                    opened.merge(name, 1, Integer::sum);
                } else {
                    assertThat(PrivateContent.unbox(boxed, identities.get(i))).as("%s, identity %d", name, i).isEmpty();
                }
            }
        }
        assertThat(nodeBoxes).hasSize(ROUNDS * OPENERS.size());
        Map<String, Integer> expected = new TreeMap<>();
        OPENERS.forEach((name, openers) -> expected.put(name, ROUNDS * openers.size()));
        assertThat(opened).isEqualTo(expected);
    }

    @Test
    void theJavaScriptOpensEveryBoxConchMakesAndOnlyThose(@TempDir Path dir) throws Exception {
        List<Map<String, Object>> conchBoxes = new ArrayList<>();
        for (Map<String, Object> nodeBox : nodeBoxes) {
            String name = (String) nodeBox.get("case");
            if (!CONCH_CASES.contains(name)) continue;
            List<Integer> recipients = OPENERS.get(name);
            Object content = nodeBox.get("content");
            List<FeedId> ids = recipients.stream().map(i -> identities.get(i).id()).toList();
            String boxed = PrivateContent.box(content, ids);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("case", name);
            line.put("recipients", recipients.stream().map(Integer::doubleValue).toList());
            line.put("content", content);
            line.put("boxed", boxed);
            line.put("unboxKey", PrivateContent.unboxKey(boxed, identities.get(recipients.get(0))).orElseThrow().base64());
            conchBoxes.add(line);
        }
        Path file = dir.resolve("conch-boxes.jsonl");
        StringBuilder text = new StringBuilder();
        conchBoxes.forEach(line -> text.append(CanonicalJson.compact(line)).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);

        List<String> verdicts = NodeReference.run(SCRIPT, "unbox", "--seed", SEED, file.toString());

        assertThat(verdicts).hasSize(conchBoxes.size());
        Map<String, Integer> opened = new TreeMap<>();
        for (int n = 0; n < verdicts.size(); n++) {
            Map<String, Object> verdict = Json.parseObject(verdicts.get(n));
            String name = (String) conchBoxes.get(n).get("case");
            assertThat(indexes(verdict.get("opened"))).as("box %d (%s): who opens it", n, name).isEqualTo(OPENERS.get(name));
            assertThat(verdict.get("contentMatches")).as("box %d (%s): the content", n, name).isEqualTo(true);
            assertThat(verdict.get("bodyOpensWithKey")).as("box %d (%s): unboxBody with conch's key", n, name).isEqualTo(true);
            opened.merge(name, indexes(verdict.get("opened")).size(), Integer::sum);
        }
        assertThat(conchBoxes).hasSize(ROUNDS * CONCH_CASES.size());
        Map<String, Integer> expected = new TreeMap<>();
        CONCH_CASES.forEach(name -> expected.put(name, ROUNDS * OPENERS.get(name).size()));
        assertThat(opened).isEqualTo(expected);
    }

    private static List<Integer> indexes(Object jsonArray) {
        return ((List<?>) jsonArray).stream().map(n -> ((Double) n).intValue()).toList();
    }

    private static List<String> strings(Object jsonArray) {
        return ((List<?>) jsonArray).stream().map(String.class::cast).toList();
    }
}
