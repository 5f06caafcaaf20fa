package org.conch.feed.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.conch.feed.testing.Vectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code vectors/ssb-ref/cases.json} (assertions transcribed from ssb-ref 2.16.0's own tests), run
 * through {@link SsbRefs} and compared with the JS result as a JSON tree. In the vectors, {@code null} stands for JS
 * undefined where the function returns undefined (getKeyFromAddress, parseLink).
 */
class SsbRefVectorsTest {
    private static final String CASES = "cases.json";
    /** The cases transcribed from ssb-ref 2.16.0's tests: fewer means the file was cut or misread. */
    private static final int EXPECTED_CASES = 82;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyCaseAgreesWithSsbRef() throws IOException {
        Path casesFile = Vectors.folder("ssb-ref").resolve(CASES);
        JsonNode cases = JSON.readTree(casesFile.toFile()).get("cases");
        assertThat(cases).as("cases in %s", casesFile).isNotNull().hasSize(EXPECTED_CASES);
        return StreamSupport.stream(cases.spliterator(), false).map(testCase -> {
            String fn = testCase.get("fn").asText();
            JsonNode input = testCase.get("input");
            JsonNode expected = testCase.get("expected");
            String note = testCase.hasNonNull("note") ? " (" + testCase.get("note").asText() + ")" : "";
            return dynamicTest(fn + " " + shorten(input.toString()), () ->
                    assertThat(evaluate(fn, input)).as("%s(%s)%s", fn, input, note).isEqualTo(expected));
        });
    }

    /** The ssb-ref function {@code fn} applied to {@code input}, as the JSON value the JS function returns. */
    private static JsonNode evaluate(String fn, JsonNode input) {
        if (!input.isTextual()) {
            if (fn.equals("isAddress")) return bool(SsbRefs.isAddress(JSON.convertValue(input, Map.class)));
            throw new AssertionError("the vectors give " + fn + " a non-string input; only isAddress takes objects");
        }
        String text = input.asText();
        return switch (fn) {
            case "isFeed" -> bool(SsbRefs.isFeed(text));
            case "isMsg" -> bool(SsbRefs.isMsg(text));
            case "isBlob" -> bool(SsbRefs.isBlob(text));
            case "isCloakedMsg" -> bool(SsbRefs.isCloakedMsg(text));
            case "isFeedType" -> bool(SsbRefs.isFeedType(text));
            case "isMsgType" -> bool(SsbRefs.isMsgType(text));
            case "isBlobType" -> bool(SsbRefs.isBlobType(text));
            case "isLink" -> bool(SsbRefs.isLink(text));
            case "isMsgLink" -> bool(SsbRefs.isMsgLink(text));
            case "isBlobLink" -> bool(SsbRefs.isBlobLink(text));
            case "isAddress" -> bool(SsbRefs.isAddress(text));
            case "isLegacyInvite" -> bool(SsbRefs.isLegacyInvite(text));
            case "isMultiServerInvite" -> bool(SsbRefs.isMultiServerInvite(text));
            case "isInvite" -> bool(SsbRefs.isInvite(text));
            case "type" -> SsbRefs.type(text).<JsonNode>map(kind -> TextNode.valueOf(kind.jsName()))
                    .orElse(BooleanNode.FALSE);
            case "extract" -> textOrNull(SsbRefs.extract(text));
            case "normalizeChannel" -> textOrNull(SsbRefs.normalizeChannel(text));
            case "getKeyFromAddress" -> textOrNull(SsbRefs.getKeyFromAddress(text));
            case "toMultiServerAddress" -> TextNode.valueOf(SsbRefs.toMultiServerAddress(text));
            case "parseLink" -> SsbRefs.parseLink(text).map(SsbRefVectorsTest::toJson).orElse(NullNode.instance);
            case "parseAddress" -> SsbRefs.parseAddress(text).map(SsbRefVectorsTest::toJson).orElse(BooleanNode.FALSE);
            case "parseInvite" -> SsbRefs.parseInvite(text).map(SsbRefVectorsTest::toJson).orElse(NullNode.instance);
            case "parseMultiServerInvite" -> SsbRefs.parseMultiServerInvite(text).map(SsbRefVectorsTest::toJson)
                    .orElse(NullNode.instance);
            case "parseLegacyInvite" -> toJson(SsbRefs.parseLegacyInvite(text));
            default -> throw new AssertionError("no Java counterpart for ssb-ref function " + fn);
        };
    }

    private static JsonNode bool(boolean value) {
        return BooleanNode.valueOf(value);
    }

    private static JsonNode textOrNull(Optional<String> value) {
        return value.<JsonNode>map(TextNode::valueOf).orElse(NullNode.instance);
    }

    private static JsonNode toJson(Address address) {
        ObjectNode node = JSON.createObjectNode();
        node.put("host", address.host());
        node.set("port", jsNumber(address.port()));
        node.put("key", address.key());
        if (address.seed() != null) node.put("seed", address.seed());
        return node;
    }

    private static JsonNode toJson(Invite invite) {
        ObjectNode node = JSON.createObjectNode();
        node.put("invite", invite.invite());
        node.put("remote", invite.remote());
        node.put("key", invite.key());
        node.put("redirect", invite.redirect()); // null stays JSON null, as in JS
        return node;
    }

    private static JsonNode toJson(Link link) {
        ObjectNode node = JSON.createObjectNode();
        node.put("link", link.link());
        if (link.hasQuery()) {
            ObjectNode query = node.putObject("query");
            link.query().forEach((key, values) -> {
                if (values.size() == 1) {
                    query.put(key, values.get(0));
                } else {
                    ArrayNode array = query.putArray(key);
                    values.forEach(array::add);
                }
            });
        }
        return node;
    }

    /** A JS number as JSON.stringify writes it, typed as Jackson reads that text (so 8080 is an IntNode). */
    private static JsonNode jsNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) return NullNode.instance;
        if (value == Math.rint(value) && value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            return JSON.getNodeFactory().numberNode((int) value);
        }
        if (value == Math.rint(value) && Math.abs(value) < 0x1p63) {
            return JSON.getNodeFactory().numberNode((long) value);
        }
        return JSON.getNodeFactory().numberNode(value);
    }

    private static String shorten(String text) {
        return text.length() <= 90 ? text : text.substring(0, 87) + "...";
    }
}
