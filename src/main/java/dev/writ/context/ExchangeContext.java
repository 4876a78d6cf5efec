package dev.writ.context;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.writ.request.ExchangeRequest;
import dev.writ.trust.IssuedChain;
import dev.writ.trust.VerifiedSubject;

/**
 * Everything a policy may read about one exchange: the verified subject, the attributes
 * its trust source maps from it, the verified actor when the request delegates, what was
 * requested, and when.
 *
 * @param subject the verified subject; only a verifier can make one
 * @param attributes the subject's attributes (service, environment, tenant, ...), from
 * verified claims only
 * @param request the request, whose target and scopes are still only asked for
 * @param time the instant of the exchange, from the server's clock
 * @param actor the party acting for the subject ({@code actor_token}, RFC 8693 §2.1),
 * verified like the subject; empty when the request does not delegate
 * @param proofKey the thumbprint of the key the request proved it holds (DPoP); empty for
 * a bearer request
 * @param certificate the thumbprint ({@code x5t#S256}, RFC 8705) of the certificate the
 * client presented over mutual TLS, whose key the handshake proved it holds; empty
 * without one
 */
public record ExchangeContext(VerifiedSubject subject, Map<String, String> attributes, ExchangeRequest request,
		Instant time, Optional<Party> actor, Optional<String> proofKey, Optional<String> certificate) {

	public ExchangeContext {
		Objects.requireNonNull(subject, "subject cannot be null");
		attributes = Map.copyOf(attributes);
		Objects.requireNonNull(request, "request cannot be null");
		Objects.requireNonNull(time, "time cannot be null");
		Objects.requireNonNull(actor, "actor cannot be null");
		Objects.requireNonNull(proofKey, "proofKey cannot be null");
		Objects.requireNonNull(certificate, "certificate cannot be null");
	}

	/** An exchange without a proof of possession. */
	public ExchangeContext(VerifiedSubject subject, Map<String, String> attributes, ExchangeRequest request,
			Instant time, Optional<Party> actor) {
		this(subject, attributes, request, time, actor, Optional.empty(), Optional.empty());
	}

	/** An exchange without an actor or a proof of possession. */
	public ExchangeContext(VerifiedSubject subject, Map<String, String> attributes, ExchangeRequest request,
			Instant time) {
		this(subject, attributes, request, time, Optional.empty(), Optional.empty(), Optional.empty());
	}

	/**
	 * The same exchange, whose request proved possession of the key with this RFC 7638
	 * thumbprint (a verified DPoP proof): its token is bound to it.
	 */
	public ExchangeContext withProofKey(String jkt) {
		return new ExchangeContext(this.subject, this.attributes, this.request, this.time, this.actor, Optional.of(jkt),
				this.certificate);
	}

	/**
	 * The same exchange, whose request came over mutual TLS with the certificate of this
	 * RFC 8705 thumbprint: its token may be bound to it.
	 */
	public ExchangeContext withCertificate(String x5t) {
		return new ExchangeContext(this.subject, this.attributes, this.request, this.time, this.actor, this.proofKey,
				Optional.of(x5t));
	}

	/**
	 * How many hops the chain of the token to be issued holds: one more than the Writ
	 * token exchanged again, if it is one; else 1 with an actor, 0 without.
	 */
	public int depth() {
		return this.subject.chain().map((chain) -> chain.depth() + 1).orElse(this.actor.isPresent() ? 1 : 0);
	}

	/**
	 * A verified party with the attributes its trust source maps from it.
	 *
	 * @param verified the verified party
	 * @param attributes its attributes
	 */
	public record Party(VerifiedSubject verified, Map<String, String> attributes) {

		public Party {
			Objects.requireNonNull(verified, "verified cannot be null");
			attributes = Map.copyOf(attributes);
		}

	}

}
