package org.conch.feed.json;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Numbers print as V8's Number.prototype.toString prints them (values checked in Node 20). */
class JsNumbersTest {

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({
            "0, 0",
            "-0.0, 0",
            "1, 1",
            "-1, -1",
            "100, 100",
            "1525368113120.005, 1525368113120.005",
            "0.1, 0.1",
            "0.30000000000000004, 0.30000000000000004",
            "123.456, 123.456",
            "4.35, 4.35",
            "0.000001, 0.000001",
            "0.0000001, 1e-7",
            "1.5e-7, 1.5e-7",
            "1.23e-18, 1.23e-18",
            "1e20, 100000000000000000000",
            "1e21, 1e+21",
            "1.5e21, 1.5e+21",
            "123456789012345680000, 123456789012345680000",
            "9007199254740992, 9007199254740992",
            "9007199254740994, 9007199254740994",
            "18014398509481984, 18014398509481984",
            "2147483648, 2147483648",
            "4294967296, 4294967296",
            "5e-324, 5e-324",
            "1.7976931348623157e308, 1.7976931348623157e+308",
            "2.2250738585072014e-308, 2.2250738585072014e-308",
            "1e23, 1e+23",
            "2e-3, 0.002",
            "-1.5e-7, -1.5e-7",
            "99999999999999999999999999999, 1e+29",
            "5e-7, 5e-7",
            "123e-20, 1.23e-18",
            "1.0e-6, 0.000001",
    })
    void printsLikeV8(double value, String expected) {
        assertThat(JsNumbers.toJsString(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is null in JSON")
    @CsvSource({"NaN", "Infinity", "-Infinity"})
    void nonFiniteNumbersAreNullInJson(double value) {
        assertThat(JsNumbers.toJson(value)).isEqualTo("null");
    }
}
