package dev.writ.exchange;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.writ.audit.TokenExchangeEvent;
import dev.writ.context.ExchangeContext;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.policy.Confirmation;
import dev.writ.request.ExchangeRequest;
import dev.writ.trust.DpopVerifier;
import dev.writ.trust.TrustSet;
import dev.writ.trust.VerifiedSubject;
import dev.writ.trust.X509SvidVerifier;

/**
 * Proof of possession at the token endpoint: the request's DPoP proof (RFC 9449),
 * verified, and its client certificate over mutual TLS (RFC 8705), either of whose keys
 * the issued token may be bound to ({@code cnf.jkt}, {@code cnf.x5t#S256}); and the
 * binding of the tokens presented — a subject or actor token with its own {@code cnf} is
 * usable only with a proof of that very key, never as a bearer token. DPoP refusals are
 * {@code invalid_dpop_proof}, certificate ones {@code invalid_request}.
 */
final class Possession {

	private Possession() {
	}

	/**
	 * What the request proves it holds: its DPoP proof, verified, and its client
	 * certificate's thumbprint; refused if a presented token is bound to a key the
	 * request does not prove.
	 */
	static Presented presented(@Nullable DpopVerifier verifier, List<String> headers, List<X509Certificate> chain,
			ExchangeRequest request, VerifiedSubject subject, @Nullable VerifiedSubject actor,
			X509SvidVerifier certificates, TrustSet trust, TokenExchangeEvent.Builder event) {
		String x5t = certificate(chain, request, subject, actor, certificates, trust, event);
		return new Presented(proof(verifier, headers, x5t, subject, actor, event), x5t);
	}

	/**
	 * The keys a request proves it holds.
	 *
	 * @param proof its verified DPoP proof; null without one
	 * @param certificate its client certificate's thumbprint; null without one
	 */
	record Presented(DpopVerifier.@Nullable DpopProof proof, @Nullable String certificate) {

		/** The exchange, with the keys its token may be bound to. */
		ExchangeContext bind(ExchangeContext context) {
			ExchangeContext bound = (this.proof != null) ? context.withProofKey(this.proof.jkt()) : context;
			return (this.certificate != null) ? bound.withCertificate(this.certificate) : bound;
		}

	}

	/**
	 * The request's verified proof, or null for a bearer request; refused if a presented
	 * token is bound to a key the request does not prove.
	 */
	private static DpopVerifier.@Nullable DpopProof proof(@Nullable DpopVerifier verifier, List<String> headers,
			@Nullable String certificate, VerifiedSubject subject, @Nullable VerifiedSubject actor,
			TokenExchangeEvent.Builder event) {
		DpopVerifier.DpopProof proof = null;
		if (!headers.isEmpty()) {
			if (verifier == null) {
				throw refused("this server does not take DPoP proofs", "DPoP header on a server without DPoP");
			}
			proof = verifier.verify(headers, "POST");
			event.dpopKey(proof.jkt());
		}
		bound(subject, proof, certificate, "subject_token");
		if (actor != null) {
			bound(actor, proof, certificate, "actor_token");
		}
		return proof;
	}

	/**
	 * The thumbprint of the client certificate, or null without one. A certificate that
	 * names a SPIFFE ID is an X.509-SVID: beside a subject token, it must verify, and
	 * name the party that holds the connection — the actor of a delegated request, else
	 * the subject; a certificate without one only holds a key.
	 */
	private static @Nullable String certificate(List<X509Certificate> chain, ExchangeRequest request,
			VerifiedSubject subject, @Nullable VerifiedSubject actor, X509SvidVerifier verifier, TrustSet trust,
			TokenExchangeEvent.Builder event) {
		if (chain.isEmpty()) {
			return null;
		}
		String thumbprint = X509SvidVerifier.thumbprint(chain.get(0));
		event.clientCertificate(thumbprint);
		if (!request.fromCertificate() && X509SvidVerifier.claimsSpiffeId(chain.get(0))) {
			VerifiedSubject svid = verifier.verify(chain, trust);
			VerifiedSubject caller = (actor != null) ? actor : subject;
			if (!svid.subject().equals(caller.subject())) {
				String token = (actor != null) ? "actor_token" : "subject_token";
				throw new ExchangeException(ErrorCode.INVALID_REQUEST,
						"the " + token + "'s subject is not the client certificate's SPIFFE ID",
						token + " of " + caller.subject() + ", client certificate of " + svid.subject());
			}
		}
		return thumbprint;
	}

	// A bound input's cnf is matched by the proof, never ignored (RFC 9449 §6, RFC 7800).
	private static void bound(VerifiedSubject party, DpopVerifier.@Nullable DpopProof proof,
			@Nullable String certificate, String name) {
		Object cnf = party.claims().get("cnf");
		if (cnf == null) {
			return;
		}
		// One key, of a kind Writ checks: a cnf naming two would lose one binding here.
		if (cnf instanceof Map<?, ?> confirmation && confirmation.size() == 1
				&& confirmation.get(Confirmation.CERTIFICATE) instanceof String x5t) {
			if (!x5t.equals(certificate)) {
				throw new ExchangeException(ErrorCode.INVALID_REQUEST,
						name + " is certificate-bound: exchange it over mutual TLS with its certificate",
						name + " bound to certificate " + x5t + ", presented " + certificate);
			}
			return;
		}
		if (!(cnf instanceof Map<?, ?> confirmation) || confirmation.size() != 1
				|| !(confirmation.get(Confirmation.DPOP) instanceof String jkt)) {
			throw refused(name + " is bound to a key this server cannot check: only DPoP keys and certificates are",
					name + " has a cnf other than {jkt} or {x5t#S256}");
		}
		if (proof == null) {
			throw refused(name + " is DPoP-bound: send a DPoP proof of its key", name + " bound to " + jkt);
		}
		if (!jkt.equals(proof.jkt())) {
			throw refused("the DPoP proof is not of the key " + name + " is bound to",
					name + " bound to " + jkt + ", proof of " + proof.jkt());
		}
	}

	private static ExchangeException refused(String description, String detail) {
		return new ExchangeException(ErrorCode.INVALID_DPOP_PROOF, description, detail);
	}

}
