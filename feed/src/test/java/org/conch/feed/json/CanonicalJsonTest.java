package org.conch.feed.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** JSON.stringify(value, null, 2) and JSON.stringify(value), byte for byte as V8 writes them. */
class CanonicalJsonTest {

    @Test
    void prettyFormLaysOutObjectsAndArraysWithTwoSpaceIndent() {
        Object value = Json.parse("{\"a\":[1,{\"b\":null},[]],\"c\":{},\"d\":true}");
        assertThat(CanonicalJson.pretty(value)).isEqualTo(
                "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    },\n    []\n  ],\n  \"c\": {},\n  \"d\": true\n}");
    }

    @Test
    void compactFormHasNoWhitespace() {
        assertThat(CanonicalJson.compact(Json.parse("{ \"a\" : [ 1 , 2.50 ] , \"b\" : \"x\" }")))
                .isEqualTo("{\"a\":[1,2.5],\"b\":\"x\"}");
    }

    @Test
    void theCompactFormIsThePrettyFormWithoutTheSpacesAndNewlinesBetweenTokens() {
        // Spaces, quotes, backslashes and escaped newlines inside strings and keys stay; nesting and empty containers.
        String[] values = {
                "{\"a\":[1,{\"b\":null},[]],\"c\":{},\"d\":true}",
                "{\"text\":\"two  spaces, a \\\"quote\\\" and a\\nnewline\",\"k e y\":\" \"}",
                "{\"back\\\\\":\"\\\\\",\"q\":\"\\\"\",\"nested\":[[[]],{\"x\":{\"y\":[-0.5,1e+21]}}]}",
                "{\"emoji\":\"\ud83d\ude00 \u00e9\",\"lone\":\"\\ud800\",\"ctl\":\"\\u0001\\t\"}",
                "[]", "{}", "\" \"", "1",
        };
        for (String text : values) {
            Object value = Json.parse(text);
            byte[] pretty = CanonicalJson.pretty(value).getBytes(StandardCharsets.UTF_8);
            assertThat(new String(CanonicalJson.compactFromPretty(pretty, pretty.length), StandardCharsets.UTF_8))
                    .as("compact form of %s", text).isEqualTo(CanonicalJson.compact(value));
        }
    }

    @Test
    void stringsEscapeOnlyQuotesBackslashesAndControlCharacters() {
        String all = "\"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f\u00e9\u2028\u2029";
        assertThat(CanonicalJson.compact(all))
                .isEqualTo("\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\u007f\u00e9\u2028\u2029\"");
    }

    @Test
    void loneSurrogatesAreEscapedInLowercaseAndPairsKeptRaw() {
        assertThat(CanonicalJson.compact("a\ud800b")).isEqualTo("\"a\\ud800b\"");
        assertThat(CanonicalJson.compact("\udc00")).isEqualTo("\"\\udc00\"");
        assertThat(CanonicalJson.compact("\ud83d\ude00")).isEqualTo("\"\ud83d\ude00\"");
        assertThat(CanonicalJson.compact("\ud83d\ud83d\ude00\ude00")).isEqualTo("\"\\ud83d\ud83d\ude00\\ude00\"");
    }

    @Test
    void arrayIndexKeysComeFirstInNumericOrder() {
        Object value = Json.parse("{\"b\":1,\"10\":2,\"a\":3,\"2\":4,\"01\":5,\"-1\":6,\"4294967294\":7,\"4294967295\":8,\"0\":9}");
        assertThat(CanonicalJson.compact(value)).isEqualTo(
                "{\"0\":9,\"2\":4,\"10\":2,\"4294967294\":7,\"b\":1,\"a\":3,\"01\":5,\"-1\":6,\"4294967295\":8}");
    }

    @Test
    void aRepeatedKeyKeepsItsFirstPlaceAndLastValue() {
        assertThat(CanonicalJson.compact(Json.parse("{\"a\":1,\"b\":2,\"a\":3}"))).isEqualTo("{\"a\":3,\"b\":2}");
    }

    @Test
    void numbersAreReadAsDoublesAndPrintedAsJavaScriptDoes() {
        assertThat(CanonicalJson.compact(Json.parse("[1.0, -0, 1e21, 1E-7, 12345678901234567890123, 0.1e1]")))
                .isEqualTo("[1,0,1e+21,1e-7,1.2345678901234568e+22,1]");
    }

    @Test
    void parsingRefusesWhatJsonParseRefuses() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\":1,}", "NaN", "01", "'a'", "{} x", "\"\u0001\"")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.parse(bad))
                    .as("parse %s", bad).isInstanceOf(JsonException.class);
        }
    }

    @Test
    void parsedObjectsKeepWireOrder() {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) Json.parse("{\"z\":1,\"y\":2,\"x\":3}");
        assertThat(object.keySet()).containsExactly("z", "y", "x");
    }
}
