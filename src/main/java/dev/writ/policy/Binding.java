package dev.writ.policy;

import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.writ.error.ErrorCode;

/**
 * Whether a grant's tokens must be bound to a key their holder proves it has
 * ({@code binding:}): a bound token is useless to whoever copies it.
 */
public enum Binding {

	/**
	 * Bound when the request proves a key: to its DPoP proof's key; or to the client
	 * certificate when that is the identity (an X.509-SVID without a subject token) — a
	 * certificate a client's TLS stack merely presents beside a subject token binds
	 * nothing unless a binding asks for it. Bearer otherwise.
	 */
	OPTIONAL,

	/**
	 * Bound to the key of the request's DPoP proof (RFC 9449); a request without one is
	 * refused.
	 */
	DPOP,

	/**
	 * Bound to the client certificate of a request over mutual TLS (RFC 8705); a request
	 * without one is refused.
	 */
	MTLS,

	/**
	 * Bound by one proof of possession or the other: DPoP first, else the certificate.
	 */
	REQUIRED;

	/** Its name in policy files. */
	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** Whether a bearer request is refused. */
	public boolean bound() {
		return this != OPTIONAL;
	}

	private boolean takesDpop() {
		return this != MTLS;
	}

	private boolean takesCertificate() {
		return this != DPOP;
	}

	/**
	 * What the token is bound to under a grant's binding and its trust entry's: the DPoP
	 * key where both take one and the request proved one, else the certificate where both
	 * take one, the request presented one and a binding asks for it or it is the
	 * identity, else nothing where neither asks for binding.
	 * @param grant the grant's binding
	 * @param source the trust entry's binding
	 * @param jkt the thumbprint of the request's DPoP key, if it sent a proof
	 * @param x5t the thumbprint of the request's client certificate, if it presented one
	 * @param certificateIdentity whether that certificate is the request's identity (an
	 * X.509-SVID without a subject token)
	 * @return the choice, or what is missing
	 */
	static Choice choose(Binding grant, Binding source, Optional<String> jkt, Optional<String> x5t,
			boolean certificateIdentity) {
		boolean dpop = grant.takesDpop() && source.takesDpop();
		boolean certificate = grant.takesCertificate() && source.takesCertificate();
		if (dpop && jkt.isPresent()) {
			return new Choice(new Confirmation(Confirmation.DPOP, jkt.get()), null, dpop, certificate);
		}
		boolean asked = grant.bound() || source.bound() || certificateIdentity;
		if (certificate && asked && x5t.isPresent()) {
			return new Choice(new Confirmation(Confirmation.CERTIFICATE, x5t.get()), null, dpop, certificate);
		}
		if (!grant.bound() && !source.bound()) {
			return new Choice(null, null, dpop, certificate);
		}
		String missing = (dpop && certificate) ? "the request has neither a DPoP proof nor a client certificate"
				: dpop ? "the request has no DPoP proof"
						: certificate ? "the request has no client certificate (mutual TLS)"
								: "no request can be bound both to a DPoP key and to a certificate";
		return new Choice(null, missing, dpop, certificate);
	}

	/**
	 * The outcome of {@link #choose}.
	 *
	 * @param confirmation what the token is bound to; null for a bearer token, or when
	 * refused
	 * @param missing why the request is refused, for the audit; null when it is not
	 * @param dpop whether a DPoP proof would bind it
	 * @param certificate whether a client certificate would bind it
	 */
	record Choice(@Nullable Confirmation confirmation, @Nullable String missing, boolean dpop, boolean certificate) {

		/**
		 * What the client is told when refused: {@code invalid_dpop_proof} where a DPoP
		 * proof would do (RFC 9449 §5), else {@code invalid_request}.
		 */
		ErrorCode error() {
			return this.dpop ? ErrorCode.INVALID_DPOP_PROOF : ErrorCode.INVALID_REQUEST;
		}

		/** The description the client reads when refused. */
		String description() {
			if (this.dpop) {
				return this.certificate
						? "this grant issues only bound tokens: send a DPoP proof or exchange over mutual TLS"
						: "this grant issues only DPoP-bound tokens: send a DPoP proof";
			}
			return this.certificate ? "this grant issues only certificate-bound tokens: exchange over mutual TLS"
					: "this grant's binding and its trust entry's cannot both be met";
		}

	}

}
