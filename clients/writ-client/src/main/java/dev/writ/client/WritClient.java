package dev.writ.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A workload's Writ tokens. Each {@link #token} call answers from a cache of one token
 * per audience and scopes, refreshed in the background before it expires, with one
 * exchange in flight per token however many threads ask; see {@link TokenCache} for the
 * schedule. Thread-safe; make one per process and {@link #close()} it at the end.
 *
 * <pre>{@code
 * WritClient writ = WritClient.builder()
 *     .issuer(URI.create("https://writ.example.org"))
 *     .identity(IdentitySource.file(Path.of("/var/run/secrets/tokens/writ")))
 *     .build();
 * request.header("Authorization", writ.token("https://payments.example.org", "payments:charge").authorization());
 * }</pre>
 *
 * Nothing of a token reaches a log, an exception or a {@code toString()}.
 */
public final class WritClient implements AutoCloseable {

	/** RFC 8693's type of a JWT identity token: JWT-SVIDs, CI and Kubernetes tokens. */
	public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

	private final TokenEndpoint endpoint;

	private final TokenCache cache;

	private final @Nullable String audience;

	private final @Nullable DpopKey dpop;

	private WritClient(Builder builder) {
		IdentitySource identity = Objects.requireNonNull(builder.identity, "an identity source");
		if (builder.issuer == null && builder.tokenEndpoint == null) {
			throw new IllegalArgumentException("Writ's issuer or its token endpoint");
		}
		URI issuer = builder.issuer;
		URI tokenEndpoint = builder.tokenEndpoint;
		if (issuer != null) {
			Endpoints.check(issuer, "Writ's issuer", builder.plainHttp);
		}
		if (tokenEndpoint != null) {
			Endpoints.check(tokenEndpoint, "Writ's token endpoint", builder.plainHttp);
		}
		this.dpop = builder.dpop ? DpopKey.generate() : null;
		this.endpoint = new TokenEndpoint(issuer, tokenEndpoint, identity, builder.subjectTokenType, builder.timeout,
				Clock.systemUTC(), builder.plainHttp, this.dpop);
		// Metadata, the identity token's source and the exchange each time out first.
		this.cache = new TokenCache(this.endpoint::exchange, builder.timeout.multipliedBy(3).plusSeconds(1));
		this.audience = builder.audience;
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * A client from an {@code external_account} credential configuration, as
	 * {@code writ credentials create-config} writes it: its token endpoint, its identity
	 * source, and its audience for {@link #defaultAudienceToken(String...)}. The file
	 * decides what is read (any file, any URL with any headers) and where it is sent: it
	 * is configuration, to be trusted as code is, never taken from a request or a user.
	 * @throws UncheckedIOException when the file cannot be read or is not one
	 */
	public static WritClient fromCredentialFile(Path file) {
		return builder().credentialFile(file).build();
	}

	/**
	 * A token for the credential file's audience (or the builder's) with {@code scopes}.
	 */
	public AccessToken defaultAudienceToken(String... scopes) {
		String audience = this.audience;
		if (audience == null) {
			throw new IllegalStateException("no default audience: name one, or build from a credential file");
		}
		return token(TokenRequest.of(audience, scopes));
	}

	/** A token for {@code audience} with {@code scopes}. */
	public AccessToken token(String audience, String... scopes) {
		return token(TokenRequest.of(audience, scopes));
	}

	/**
	 * A token for the request: the one held, or a new one when there is none fit to hand
	 * out.
	 * @throws WritClientException when there is no token fit to hand out and Writ refused
	 * or could not be reached (now, or at the last try, whose backoff is not over)
	 */
	public AccessToken token(TokenRequest request) {
		return this.cache.get(request);
	}

	/**
	 * The audience {@link #defaultAudienceToken(String...)} asks for, if one was
	 * configured.
	 */
	public Optional<String> defaultAudience() {
		return Optional.ofNullable(this.audience);
	}

	/**
	 * The RFC 7638 thumbprint of the client's DPoP key, which its tokens are bound to
	 * ({@code cnf.jkt}); empty for a client of bearer tokens.
	 */
	public Optional<String> dpopThumbprint() {
		DpopKey key = this.dpop;
		return (key != null) ? Optional.of(key.thumbprint()) : Optional.empty();
	}

	/**
	 * A DPoP proof (RFC 9449 §4.2) for one call to a resource server with a DPoP-bound
	 * token: send it as the {@code DPoP} header beside
	 * {@link AccessToken#authorization()}. Make a new one for every call: a resource
	 * server takes each proof once.
	 * @param method the call's method, such as {@code GET}
	 * @param url the URL called; its query and fragment are not part of the proof
	 * @param token the token the call carries ({@code ath})
	 * @throws IllegalStateException for a client built without {@link Builder#dpop()}
	 */
	public String dpopProof(String method, URI url, AccessToken token) {
		return proof(method, url, token, null);
	}

	/**
	 * A DPoP proof for one call, with the resource server's nonce (RFC 9449 §9): for the
	 * retry after it answered {@code use_dpop_nonce} with a {@code DPoP-Nonce} header.
	 * @param nonce the resource server's {@code DPoP-Nonce}
	 * @throws IllegalStateException for a client built without {@link Builder#dpop()}
	 * @throws IllegalArgumentException for a nonce that is not one (RFC 9449 §8.1:
	 * printable ASCII without quote or backslash)
	 */
	public String dpopProof(String method, URI url, AccessToken token, String nonce) {
		if (!DpopSession.nonceLike(nonce)) {
			throw new IllegalArgumentException("not a DPoP nonce");
		}
		return proof(method, url, token, nonce);
	}

	private String proof(String method, URI url, AccessToken token, @Nullable String nonce) {
		DpopKey key = this.dpop;
		if (key == null) {
			throw new IllegalStateException("this client holds bearer tokens: build it with dpop()");
		}
		return key.proof(method, url, token.value(), nonce, java.time.Instant.now());
	}

	/** How many audience and scope sets it holds (at most {@code 1024}). */
	int heldRequests() {
		return this.cache.size();
	}

	/**
	 * Stops the background refreshes; from then on {@link #token} throws
	 * {@link IllegalStateException}.
	 */
	@Override
	public void close() {
		this.cache.close();
		this.endpoint.close();
	}

	@Override
	public String toString() {
		return "WritClient[" + this.endpoint + "]";
	}

	/** How a {@link WritClient} finds Writ and its own identity. */
	public static final class Builder {

		private @Nullable URI issuer;

		private @Nullable URI tokenEndpoint;

		private @Nullable IdentitySource identity;

		private String subjectTokenType = JWT;

		private @Nullable String audience;

		private Duration timeout = Duration.ofSeconds(10);

		private boolean plainHttp;

		private boolean dpop;

		private Builder() {
		}

		/**
		 * Allows plain {@code http} to Writ on any host, not only 127.0.0.1 and [::1]:
		 * the identity token and the access token then cross the network in the clear.
		 * Only for a demo, or a network that encrypts on the wire (a service mesh's
		 * mTLS).
		 */
		public Builder allowPlainHttp(boolean allow) {
			this.plainHttp = allow;
			return this;
		}

		/**
		 * Tokens bound to a key of the client's own (DPoP, RFC 9449): a P-256 key made
		 * when the client is built and held in memory only. Every exchange carries a
		 * proof of it, Writ's server nonce when it asks for one; the tokens are
		 * {@code DPoP} tokens, useless to whoever copies one, and each call with one
		 * needs {@link WritClient#dpopProof}.
		 */
		public Builder dpop() {
			this.dpop = true;
			return this;
		}

		/**
		 * Writ's issuer: its token endpoint is read from its metadata (RFC 8414) once.
		 */
		public Builder issuer(URI issuer) {
			this.issuer = issuer;
			return this;
		}

		/** Writ's token endpoint, with no metadata to read. */
		public Builder tokenEndpoint(URI tokenEndpoint) {
			this.tokenEndpoint = tokenEndpoint;
			return this;
		}

		/** Where the workload's identity token is read, before each exchange. */
		public Builder identity(IdentitySource identity) {
			this.identity = identity;
			return this;
		}

		/** The identity token's type; RFC 8693's {@code jwt} by default. */
		public Builder subjectTokenType(String type) {
			this.subjectTokenType = type;
			return this;
		}

		/** The audience of {@link WritClient#defaultAudienceToken(String...)}. */
		public Builder audience(String audience) {
			this.audience = audience;
			return this;
		}

		/** How long connecting, and each request, may take; 10 s by default. */
		public Builder timeout(Duration timeout) {
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("the timeout must be positive");
			}
			this.timeout = timeout;
			return this;
		}

		/**
		 * The token endpoint, audience, identity token type and source of an
		 * {@code external_account} credential configuration.
		 * @throws UncheckedIOException when the file cannot be read or is not one
		 */
		public Builder credentialFile(Path file) {
			CredentialFile credentials;
			try {
				credentials = CredentialFile.read(file);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex.getMessage(), ex);
			}
			this.tokenEndpoint = credentials.tokenUrl();
			this.audience = credentials.audience();
			this.subjectTokenType = credentials.subjectTokenType();
			this.identity = credentials.identity();
			return this;
		}

		public WritClient build() {
			return new WritClient(this);
		}

	}

}
