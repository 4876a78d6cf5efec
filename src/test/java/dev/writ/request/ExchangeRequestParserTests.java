package dev.writ.request;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ExchangeRequestParserTests {

	private final ExchangeRequestParser parser = new ExchangeRequestParser();

	static Map<String, List<String>> valid() {
		Map<String, List<String>> form = new LinkedHashMap<>();
		form.put("grant_type", List.of(TokenTypes.GRANT_TYPE));
		form.put("subject_token", List.of("a.b.c"));
		form.put("subject_token_type", List.of(TokenTypes.JWT));
		return form;
	}

	@Test
	void parseWhenMinimalThenDefaults() {
		ExchangeRequest request = this.parser.parse(valid());

		assertThat(request.subjectToken()).isEqualTo("a.b.c");
		assertThat(request.requestedTokenType()).isEqualTo(TokenTypes.ACCESS_TOKEN);
		assertThat(request.target()).isEmpty();
		assertThat(request.scopes()).isEmpty();
		assertThat(request.toString()).doesNotContain("a.b.c");
	}

	@Test
	void parseWhenEveryParameterThenEveryValue() {
		Map<String, List<String>> form = valid();
		form.put("audience", List.of("https://api.example.org"));
		form.put("resource", List.of("https://api.example.org"));
		form.put("scope", List.of("read write read"));
		form.put("requested_token_type", List.of(TokenTypes.JWT));
		form.put("actor_token", List.of("x.y.z"));
		form.put("actor_token_type", List.of(TokenTypes.JWT));
		form.put("client_id", List.of("checkout"));
		form.put("unknown_extension", List.of("ignored"));

		ExchangeRequest request = this.parser.parse(form);

		assertThat(request.audience()).contains("https://api.example.org");
		assertThat(request.resource()).contains(URI.create("https://api.example.org"));
		assertThat(request.scopes()).containsExactlyInAnyOrder("read", "write");
		assertThat(request.actorToken()).contains("x.y.z");
		assertThat(request.clientId()).contains("checkout");
		assertThat(request.toString()).doesNotContain("x.y.z");
	}

	@Test
	void parseWhenEmptyValueThenTreatedAsOmitted() {
		Map<String, List<String>> form = valid();
		form.put("audience", List.of(""));
		form.put("scope", List.of(""));

		ExchangeRequest request = this.parser.parse(form);

		assertThat(request.audience()).isEqualTo(Optional.empty());
		assertThat(request.scopes()).isEmpty();
	}

	static Stream<Arguments> invalid() {
		return Stream.of(arguments("no grant_type", change((f) -> f.remove("grant_type")), ErrorCode.INVALID_REQUEST),
				arguments("other grant_type", put("grant_type", "client_credentials"),
						ErrorCode.UNSUPPORTED_GRANT_TYPE),
				arguments("no subject_token", change((f) -> f.remove("subject_token")), ErrorCode.INVALID_REQUEST),
				arguments("empty subject_token", put("subject_token", ""), ErrorCode.INVALID_REQUEST),
				arguments("no subject_token_type", change((f) -> f.remove("subject_token_type")),
						ErrorCode.INVALID_REQUEST),
				arguments("repeated subject_token", change((f) -> f.put("subject_token", List.of("a", "b"))),
						ErrorCode.INVALID_REQUEST),
				arguments("repeated unknown parameter", change((f) -> f.put("x", List.of("a", "b"))),
						ErrorCode.INVALID_REQUEST),
				arguments("repeated audience", change((f) -> f.put("audience", List.of("a", "b"))),
						ErrorCode.INVALID_TARGET),
				arguments("repeated resource", change((f) -> f.put("resource", List.of("https://a", "https://b"))),
						ErrorCode.INVALID_TARGET),
				arguments("oversized subject_token", put("subject_token", "x".repeat(16 * 1024 + 1)),
						ErrorCode.INVALID_REQUEST),
				arguments("oversized audience", put("audience", "a".repeat(2049)), ErrorCode.INVALID_REQUEST),
				arguments("too many parameters", change((f) -> {
					for (int i = 0; i < 40; i++) {
						f.put("p" + i, List.of("v"));
					}
				}), ErrorCode.INVALID_REQUEST),
				arguments("actor_token alone", put("actor_token", "x"), ErrorCode.INVALID_REQUEST),
				arguments("actor_token_type alone", put("actor_token_type", TokenTypes.JWT), ErrorCode.INVALID_REQUEST),
				arguments("requested id_token", put("requested_token_type", TokenTypes.ID_TOKEN),
						ErrorCode.INVALID_REQUEST),
				arguments("audience with a space", put("audience", "a b"), ErrorCode.INVALID_TARGET),
				arguments("audience with a control character", put("audience", "a\u0001"), ErrorCode.INVALID_TARGET),
				arguments("relative resource", put("resource", "/api"), ErrorCode.INVALID_TARGET),
				arguments("resource with fragment", put("resource", "https://api.example.org/#f"),
						ErrorCode.INVALID_TARGET),
				arguments("opaque resource", put("resource", "mailto:a@example.org"), ErrorCode.INVALID_TARGET),
				arguments("unparseable resource", put("resource", "https://exa mple.org"), ErrorCode.INVALID_TARGET),
				arguments("audience and resource differ", change((f) -> {
					f.put("audience", List.of("https://a.example.org"));
					f.put("resource", List.of("https://b.example.org"));
				}), ErrorCode.INVALID_TARGET),
				arguments("scope with double space", put("scope", "a  b"), ErrorCode.INVALID_SCOPE),
				arguments("scope with leading space", put("scope", " a"), ErrorCode.INVALID_SCOPE),
				arguments("scope with a quote", put("scope", "a\"b"), ErrorCode.INVALID_SCOPE),
				arguments("scope with a backslash", put("scope", "a\\b"), ErrorCode.INVALID_SCOPE),
				arguments("scope with non-ASCII", put("scope", "caf\u00e9"), ErrorCode.INVALID_SCOPE),
				arguments("client_id with a control character", put("client_id", "a\nb"), ErrorCode.INVALID_REQUEST));
	}

	private static Consumer<Map<String, List<String>>> change(Consumer<Map<String, List<String>>> change) {
		return change;
	}

	private static Consumer<Map<String, List<String>>> put(String name, String value) {
		return (form) -> form.put(name, List.of(value));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalid")
	void parseWhenInvalidThenExactCode(String name, Consumer<Map<String, List<String>>> change, ErrorCode code) {
		Map<String, List<String>> form = valid();
		change.accept(form);

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> this.parser.parse(form))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(code))
			.satisfies((ex) -> assertThat(ex.description()).doesNotContain("xxxxxxxx"));
	}

	@Test
	void parseWhenRepeatedParameterHasUnsafeNameThenNameNotEchoed() {
		Map<String, List<String>> form = valid();
		form.put("a\"<b>", List.of("1", "2"));

		assertThatExceptionOfType(ExchangeException.class).isThrownBy(() -> this.parser.parse(form))
			.satisfies((ex) -> assertThat(ex.description()).isEqualTo("a parameter must not be repeated"));
	}

}
