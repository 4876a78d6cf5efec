package dev.writ.trust;

/**
 * The server nonces of DPoP (RFC 9449 §8): what Writ hands clients in its
 * {@code DPoP-Nonce} header, and which nonces a proof may carry. A nonce ties a proof to
 * a recent moment of the server's choosing, so a proof made in advance — by whoever held
 * the key for a while — is of no use later.
 */
public interface DpopNonces {

	/** The nonce to hand out now. */
	String current();

	/** Whether a proof may carry this nonce now. */
	boolean accepts(String nonce);

}
