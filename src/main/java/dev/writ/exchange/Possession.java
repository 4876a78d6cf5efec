package dev.writ.exchange;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.writ.audit.TokenExchangeEvent;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.trust.DpopVerifier;
import dev.writ.trust.VerifiedSubject;

/**
 * Proof of possession at the token endpoint (RFC 9449): the request's DPoP proof,
 * verified, whose key the issued token is bound to ({@code cnf.jkt}); and the binding of
 * the tokens presented — a subject or actor token with its own {@code cnf} is usable only
 * with a proof of that very key, never as a bearer token. Refusals are
 * {@code invalid_dpop_proof}.
 */
final class Possession {

	private Possession() {
	}

	/**
	 * The request's verified proof, or null for a bearer request; refused if a presented
	 * token is bound to a key the request does not prove.
	 */
	static DpopVerifier.@Nullable DpopProof proof(@Nullable DpopVerifier verifier, List<String> headers,
			VerifiedSubject subject, @Nullable VerifiedSubject actor, TokenExchangeEvent.Builder event) {
		DpopVerifier.DpopProof proof = null;
		if (!headers.isEmpty()) {
			if (verifier == null) {
				throw refused("this server does not take DPoP proofs", "DPoP header on a server without DPoP");
			}
			proof = verifier.verify(headers, "POST");
			event.boundTo(proof.jkt());
		}
		bound(subject, proof, "subject_token");
		if (actor != null) {
			bound(actor, proof, "actor_token");
		}
		return proof;
	}

	// A bound input's cnf is matched by the proof, never ignored (RFC 9449 §6, RFC 7800).
	private static void bound(VerifiedSubject party, DpopVerifier.@Nullable DpopProof proof, String name) {
		Object cnf = party.claims().get("cnf");
		if (cnf == null) {
			return;
		}
		// Only a DPoP key: a cnf naming a certificate too would lose that binding here.
		if (!(cnf instanceof Map<?, ?> confirmation) || confirmation.size() != 1
				|| !(confirmation.get("jkt") instanceof String jkt)) {
			throw refused(name + " is bound to a key this server cannot check: only DPoP keys (cnf.jkt) are",
					name + " has a cnf other than {jkt}");
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
