package dev.writ.trust;

import java.text.ParseException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class StrictJsonTests {

	@ParameterizedTest
	@ValueSource(
			strings = { "{}", " {\"a\":1} ", "{\"a\":[1,-2.5e3,0,true,false,null,\"x\"],\"b\":{\"c\":\"\\u00e9\"}}",
					"{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "{\"a\":0.5,\"A\":1}" })
	void checkObjectWhenStrictJsonObjectThenAccepted(String json) {
		assertThatCode(() -> StrictJson.checkObject(json)).doesNotThrowAnyException();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "null", "[]", "\"s\"", "{} {}", "{\"a\":1,}", "{'a':1}", "{a:1}", "{\"a\":NaN}",
			"{\"a\":Infinity}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e999}", "{/*c*/}",
			"{\"a\":1}//", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":1,\"\\u0061\":2}",
			"{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800x\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\t\"}",
			"{\"a\":\"unterminated}", "\u0000{}", "\ufeff{}", "{\"a\" 1}", "{\"a\":tru}", "{\"a\":[1 2]}",
			// A \\u escape of non-ASCII digits (Arabic-Indic, fullwidth): RFC 8259 takes
			// ASCII hex only.
			"{\"a\":\"\\u\u0660\u0660\u0666\u0661\"}", "{\"\\u\uff10\uff10\uff16\uff11ud\":1}" })
	void checkObjectWhenNotStrictJsonObjectThenRefused(String json) {
		assertThatExceptionOfType(ParseException.class).isThrownBy(() -> StrictJson.checkObject(json));
	}

	@ParameterizedTest
	@ValueSource(ints = { 2, 31, 32 })
	void checkObjectWhenNestedUpToTheBoundThenAccepted(int depth) {
		assertThatCode(() -> StrictJson.checkObject(nested(depth))).doesNotThrowAnyException();
	}

	@ParameterizedTest
	@ValueSource(ints = { 33, 5000 })
	void checkObjectWhenNestedBeyondTheBoundThenRefusedWithoutOverflow(int depth) {
		assertThatExceptionOfType(ParseException.class).isThrownBy(() -> StrictJson.checkObject(nested(depth)));
	}

	// depth levels of objects and arrays in all, the outermost an object.
	private static String nested(int depth) {
		return "{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
	}

}
