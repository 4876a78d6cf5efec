package dev.writ.request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link ExchangeRequestParser} with hostile form bodies. The oracle: nothing but
 * an {@link ExchangeException} of a request error code escapes, and an accepted request
 * reads back exactly what was sent and parses again, serialised, to itself.
 *
 * <p>
 * An input is a form body, {@code name=value} pairs joined by {@code &}; {@code %XX}
 * stands for the character XX (so seeds can carry {@code &}, {@code =} and control
 * characters), a repeated name adds a value, and a name without {@code =} is a
 * {@code null} value, which the web layer never sends but the parser must bear.
 */
final class ExchangeRequestParserFuzzTests {

	private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_SCOPE,
			ErrorCode.INVALID_TARGET, ErrorCode.UNSUPPORTED_GRANT_TYPE);

	private final ExchangeRequestParser parser = new ExchangeRequestParser();

	@FuzzTest
	void parse(byte[] input) {
		Map<String, List<String>> form = form(new String(input, StandardCharsets.UTF_8));
		ExchangeRequest request;
		try {
			request = this.parser.parse(form);
		}
		catch (ExchangeException ex) {
			assertThat(REFUSALS).contains(ex.errorCode());
			return;
		}
		readsBack(request, form);
		assertThat(this.parser.parse(serialised(request))).isEqualTo(request);
	}

	// Every field of the request is the value sent for its parameter, or its documented
	// default.
	private static void readsBack(ExchangeRequest request, Map<String, List<String>> form) {
		assertThat(form.get("grant_type")).containsExactly(TokenTypes.GRANT_TYPE);
		assertThat(request.subjectToken()).isEqualTo(sent(form, "subject_token").orElseThrow())
			.hasSizeLessThanOrEqualTo(ExchangeRequestParser.MAX_TOKEN_LENGTH);
		assertThat(request.subjectTokenType()).isEqualTo(sent(form, "subject_token_type").orElseThrow());
		assertThat(request.requestedTokenType())
			.isEqualTo(sent(form, "requested_token_type").orElse(TokenTypes.ACCESS_TOKEN));
		assertThat(request.audience()).isEqualTo(sent(form, "audience"));
		request.audience().ifPresent((audience) -> assertThat(ParameterSyntax.isAudience(audience)).isTrue());
		// RFC 8707 §2: the resource reads back as sent, absolute and without a fragment.
		assertThat(request.resource().map(Object::toString)).isEqualTo(sent(form, "resource"));
		request.resource().ifPresent((uri) -> assertThat(uri.isAbsolute() && uri.getRawFragment() == null).isTrue());
		assertThat(request.scopes())
			.isEqualTo(sent(form, "scope").map((scope) -> new LinkedHashSet<>(Arrays.asList(scope.split(" ", -1))))
				.orElse(new LinkedHashSet<>()));
		request.scopes().forEach((scope) -> assertThat(ParameterSyntax.isScopeToken(scope)).isTrue());
		assertThat(request.actorToken()).isEqualTo(sent(form, "actor_token"));
		assertThat(request.actorTokenType()).isEqualTo(sent(form, "actor_token_type"));
		assertThat(request.clientId()).isEqualTo(sent(form, "client_id"));
		Map<String, String> extensions = new LinkedHashMap<>();
		form.keySet().forEach((name) -> sent(form, name).ifPresent((value) -> extensions.put(name, value)));
		List.of("grant_type", "subject_token", "subject_token_type", "actor_token", "actor_token_type",
				"requested_token_type", "audience", "resource", "scope", "client_id")
			.forEach(extensions::remove);
		assertThat(request.parameters()).isEqualTo(extensions);
		request.parameters()
			.values()
			.forEach((value) -> assertThat(value).hasSizeLessThanOrEqualTo(ExchangeRequestParser.MAX_VALUE_LENGTH));
	}

	// RFC 6749 §3.1: a parameter sent without a value is as if omitted.
	private static Optional<String> sent(Map<String, List<String>> form, String name) {
		List<String> values = form.getOrDefault(name, List.of());
		return values.isEmpty() || values.get(0) == null || values.get(0).isEmpty() ? Optional.empty()
				: Optional.of(values.get(0));
	}

	// The form a client would send for this request.
	private static Map<String, List<String>> serialised(ExchangeRequest request) {
		Map<String, List<String>> form = new LinkedHashMap<>();
		form.put("grant_type", List.of(TokenTypes.GRANT_TYPE));
		form.put("subject_token", List.of(request.subjectToken()));
		form.put("subject_token_type", List.of(request.subjectTokenType()));
		// Only what was sent: the default left out, as it may have been, so the form
		// stays within MAX_PARAMETERS.
		if (!TokenTypes.ACCESS_TOKEN.equals(request.requestedTokenType())) {
			form.put("requested_token_type", List.of(request.requestedTokenType()));
		}
		request.audience().ifPresent((audience) -> form.put("audience", List.of(audience)));
		request.resource().ifPresent((resource) -> form.put("resource", List.of(resource.toString())));
		if (!request.scopes().isEmpty()) {
			form.put("scope", List.of(String.join(" ", request.scopes())));
		}
		request.actorToken().ifPresent((token) -> form.put("actor_token", List.of(token)));
		request.actorTokenType().ifPresent((type) -> form.put("actor_token_type", List.of(type)));
		request.clientId().ifPresent((clientId) -> form.put("client_id", List.of(clientId)));
		request.parameters().forEach((name, value) -> form.put(name, List.of(value)));
		return form;
	}

	static Map<String, List<String>> form(String body) {
		Map<String, List<String>> form = new LinkedHashMap<>();
		if (body.isEmpty()) {
			return form;
		}
		for (String pair : body.split("&", -1)) {
			int equals = pair.indexOf('=');
			String name = unescape((equals < 0) ? pair : pair.substring(0, equals));
			String value = (equals < 0) ? null : unescape(pair.substring(equals + 1));
			form.computeIfAbsent(name, (n) -> new ArrayList<>()).add(value);
		}
		return form;
	}

	// %XX is the character XX; a % not followed by two hex digits stands for itself.
	private static String unescape(String text) {
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '%' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
					&& Character.digit(text.charAt(i + 2), 16) >= 0) {
				out.append((char) Integer.parseInt(text, i + 1, i + 3, 16));
				i += 2;
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
