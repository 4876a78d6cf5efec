package dev.writ.request;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;

/**
 * Turns the form parameters of a token request into an {@link ExchangeRequest}, checking
 * every RFC 8693 §2.1 parameter and bounding every size. Checks syntax only; what the
 * parameters mean is for the later steps.
 */
public final class ExchangeRequestParser {

	/**
	 * Longest subject or actor token accepted, in characters. Real JWT-SVIDs and OIDC
	 * tokens are 1-4 KiB.
	 */
	public static final int MAX_TOKEN_LENGTH = 16 * 1024;

	/** Longest value of any other parameter, in characters. */
	public static final int MAX_VALUE_LENGTH = 2048;

	/** Most parameters a request may carry, known or not. */
	public static final int MAX_PARAMETERS = 32;

	private static final Set<String> TOKEN_PARAMETERS = Set.of("subject_token", "actor_token");

	private static final Set<String> TARGET_PARAMETERS = Set.of("audience", "resource");

	/** The parameters RFC 6749 and RFC 8693 define for a token exchange request. */
	public static final Set<String> STANDARD_PARAMETERS = Set.of("grant_type", "subject_token", "subject_token_type",
			"actor_token", "actor_token_type", "requested_token_type", "audience", "resource", "scope", "client_id");

	/**
	 * The names no policy may declare as an extension parameter: the standard ones and
	 * those client authentication uses (RFC 6749 §2.3.1, RFC 7523 §2.2).
	 */
	public static final Set<String> RESERVED_PARAMETERS = Stream
		.concat(STANDARD_PARAMETERS.stream(), Stream.of("client_secret", "client_assertion", "client_assertion_type"))
		.collect(Collectors.toUnmodifiableSet());

	private static final Set<String> REQUESTED_TOKEN_TYPES = Set.of(TokenTypes.ACCESS_TOKEN, TokenTypes.JWT,
			TokenTypes.PASSWORD);

	/**
	 * Parses the parameters of a token request body.
	 * @param parameters each parameter name with all the values it was sent with, in
	 * order
	 * @return the request
	 * @throws ExchangeException {@code invalid_request}, {@code invalid_scope} or
	 * {@code invalid_target}
	 */
	public ExchangeRequest parse(Map<String, List<String>> parameters) {
		return parse(parameters, false);
	}

	/**
	 * Parses the parameters of a token request body that arrived over mutual TLS or not.
	 * @param parameters each parameter name with all the values it was sent with, in
	 * order
	 * @param clientCertificate whether the client presented a certificate: then the
	 * request may send neither {@code subject_token} nor {@code subject_token_type}, its
	 * certificate standing for them ({@link ExchangeRequest#fromCertificate()})
	 * @return the request
	 * @throws ExchangeException {@code invalid_request}, {@code invalid_scope} or
	 * {@code invalid_target}
	 */
	public ExchangeRequest parse(Map<String, List<String>> parameters, boolean clientCertificate) {
		if (parameters.size() > MAX_PARAMETERS) {
			throw invalidRequest("too many parameters");
		}
		for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
			checkOnceAndBounded(parameter.getKey(), parameter.getValue());
		}
		String grantType = required(parameters, "grant_type");
		if (!TokenTypes.GRANT_TYPE.equals(grantType)) {
			throw new ExchangeException(ErrorCode.UNSUPPORTED_GRANT_TYPE, "grant_type is not supported");
		}
		boolean certificate = clientCertificate && optional(parameters, "subject_token").isEmpty()
				&& optional(parameters, "subject_token_type").isEmpty();
		String subjectToken = certificate ? "" : required(parameters, "subject_token");
		String subjectTokenType = certificate ? TokenTypes.X509_SVID : required(parameters, "subject_token_type");
		Optional<String> actorToken = optional(parameters, "actor_token");
		Optional<String> actorTokenType = optional(parameters, "actor_token_type");
		// RFC 8693 §2.1: actor_token_type is REQUIRED when actor_token is present, and
		// MUST NOT be included otherwise.
		if (actorToken.isPresent() != actorTokenType.isPresent()) {
			throw invalidRequest("actor_token and actor_token_type must be sent together");
		}
		String requestedTokenType = optional(parameters, "requested_token_type").orElse(TokenTypes.ACCESS_TOKEN);
		if (!REQUESTED_TOKEN_TYPES.contains(requestedTokenType)) {
			throw invalidRequest("requested_token_type is not supported; Writ issues " + TokenTypes.ACCESS_TOKEN + ", "
					+ TokenTypes.JWT + " and " + TokenTypes.PASSWORD);
		}
		Optional<String> audience = optional(parameters, "audience");
		audience.ifPresent(ExchangeRequestParser::checkAudience);
		Optional<URI> resource = optional(parameters, "resource").map(ExchangeRequestParser::parseResource);
		if (audience.isPresent() && resource.isPresent() && !audience.get().equals(resource.get().toString())) {
			throw new ExchangeException(ErrorCode.INVALID_TARGET,
					"audience and resource must name the same target: Writ issues a token for one target");
		}
		Set<String> scopes = optional(parameters, "scope").map(ExchangeRequestParser::parseScope).orElse(Set.of());
		Optional<String> clientId = optional(parameters, "client_id");
		clientId.ifPresent(ExchangeRequestParser::checkClientId);
		Map<String, String> extensions = new LinkedHashMap<>();
		parameters.forEach((name, values) -> {
			if (!STANDARD_PARAMETERS.contains(name)) {
				optional(parameters, name).ifPresent((value) -> extensions.put(name, value));
			}
		});
		return new ExchangeRequest(subjectToken, subjectTokenType, audience, resource, scopes, requestedTokenType,
				actorToken, actorTokenType, clientId, extensions);
	}

	private static void checkOnceAndBounded(String name, List<String> values) {
		if (name.length() > 64) {
			throw invalidRequest("a parameter name is too long");
		}
		if (values.size() > 1) {
			// RFC 8693 §2.1 would allow several audience and resource values; Writ binds
			// a token to exactly one.
			if (TARGET_PARAMETERS.contains(name)) {
				throw new ExchangeException(ErrorCode.INVALID_TARGET,
						name + " may appear once: Writ issues a token for one target");
			}
			// RFC 6749 §3.2: request parameters MUST NOT be included more than once.
			throw invalidRequest(printable(name) + " must not be repeated");
		}
		int limit = TOKEN_PARAMETERS.contains(name) ? MAX_TOKEN_LENGTH : MAX_VALUE_LENGTH;
		for (String value : values) {
			if (value != null && value.length() > limit) {
				throw invalidRequest(printable(name) + " is too large");
			}
		}
	}

	private static String required(Map<String, List<String>> parameters, String name) {
		return optional(parameters, name).orElseThrow(() -> invalidRequest(name + " is missing"));
	}

	// RFC 6749 §3.1: parameters sent without a value MUST be treated as if they were
	// omitted.
	private static Optional<String> optional(Map<String, List<String>> parameters, String name) {
		List<String> values = parameters.get(name);
		if (values == null || values.isEmpty() || values.get(0) == null || values.get(0).isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(values.get(0));
	}

	// RFC 8693 §2.1: the audience is a logical name; Writ accepts printable ASCII without
	// spaces.
	private static void checkAudience(String audience) {
		if (!ParameterSyntax.isAudience(audience)) {
			throw new ExchangeException(ErrorCode.INVALID_TARGET, "audience is malformed");
		}
	}

	// RFC 8707 §2: the resource is an absolute URI and MUST NOT include a fragment.
	private static URI parseResource(String resource) {
		try {
			URI uri = new URI(resource);
			if (!uri.isAbsolute() || uri.getRawFragment() != null || uri.isOpaque()) {
				throw new ExchangeException(ErrorCode.INVALID_TARGET,
						"resource must be an absolute URI without a fragment");
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw new ExchangeException(ErrorCode.INVALID_TARGET,
					"resource must be an absolute URI without a fragment");
		}
	}

	// RFC 6749 §3.3: scope = scope-token *( SP scope-token ).
	private static Set<String> parseScope(String scope) {
		Set<String> scopes = new LinkedHashSet<>();
		for (String token : scope.split(" ", -1)) {
			if (!ParameterSyntax.isScopeToken(token)) {
				throw new ExchangeException(ErrorCode.INVALID_SCOPE, "scope is malformed");
			}
			scopes.add(token);
		}
		return scopes;
	}

	// RFC 6749 Appendix A.1: client-id = *VSCHAR.
	private static void checkClientId(String clientId) {
		if (!clientId.chars().allMatch((c) -> c >= 0x20 && c <= 0x7E)) {
			throw invalidRequest("client_id is malformed");
		}
	}

	// The name is echoed in the description, so only names made of safe characters are.
	private static String printable(String name) {
		return name.chars().allMatch((c) -> c == '_' || (Character.isLetterOrDigit(c) && c < 0x7F)) ? name
				: "a parameter";
	}

	private static ExchangeException invalidRequest(String description) {
		return new ExchangeException(ErrorCode.INVALID_REQUEST, description);
	}

}
