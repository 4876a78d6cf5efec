package dev.writ.trust;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.spiffe.spiffeid.SpiffeId;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.jspecify.annotations.Nullable;

import dev.writ.digest.Sha256;
import dev.writ.error.ErrorCode;
import dev.writ.error.ExchangeException;
import dev.writ.request.TokenTypes;

/**
 * Verifies an X.509-SVID presented as a TLS client certificate (SPIFFE X.509-SVID §4–§5):
 * exactly one URI SAN, a canonical SPIFFE ID of a trusted trust domain; a leaf that is no
 * CA, may sign (digitalSignature) and may not sign certificates or CRLs; an extended key
 * usage, if any, that includes clientAuth; and a chain, valid at the clock's instant, to
 * one of the {@code x509-svid} authorities of that trust domain's bundle in force. The
 * TLS handshake has proved the caller holds the certificate's key; this proves who the
 * certificate says it is. Refusals are {@code invalid_request}; what names trust
 * configuration stays in the audit detail.
 */
public final class X509SvidVerifier {

	/** How many certificates a presented chain may hold, leaf included. */
	static final int MAX_CHAIN = 8;

	private static final String UNTRUSTED = "the client certificate is not an X.509-SVID this server trusts";

	private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

	private static final int URI_NAME = 6;

	private static final String NAME_CONSTRAINTS = "2.5.29.30";

	private final Clock clock;

	public X509SvidVerifier(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
	}

	/**
	 * The RFC 8705 thumbprint of a certificate: the base64url SHA-256 of its DER encoding
	 * ({@code x5t#S256}).
	 */
	public static String thumbprint(X509Certificate certificate) {
		try {
			return Sha256.base64url(certificate.getEncoded());
		}
		catch (CertificateEncodingException ex) {
			throw new IllegalArgumentException("the certificate cannot be encoded", ex);
		}
	}

	/**
	 * Whether a certificate names a SPIFFE ID: then it is presented as an X.509-SVID and
	 * must verify as one; a certificate without one only holds a key.
	 */
	public static boolean claimsSpiffeId(X509Certificate leaf) {
		return uris(leaf).stream().anyMatch((uri) -> uri.regionMatches(true, 0, "spiffe:", 0, 7));
	}

	/**
	 * Verifies the chain a TLS client presented, leaf first.
	 * @param chain the certificates, leaf first, as the handshake received them
	 * @param trust the trust in force
	 * @return the verified workload: its SPIFFE ID, trust domain and the certificate's
	 * validity as {@code exp} and {@code nbf}
	 * @throws ExchangeException {@code invalid_request} when it is not a valid X.509-SVID
	 * of a trusted trust domain
	 */
	public VerifiedSubject verify(List<X509Certificate> chain, TrustSet trust) {
		if (chain.isEmpty() || chain.size() > MAX_CHAIN) {
			throw invalid("the client certificate chain is empty or too long", chain.size() + " certificates");
		}
		X509Certificate leaf = chain.get(0);
		SpiffeId id = spiffeId(leaf);
		leafConstraints(leaf);
		Instant now = this.clock.instant();
		try {
			leaf.checkValidity(Date.from(now));
		}
		catch (CertificateExpiredException ex) {
			throw invalid("the client certificate has expired", "X.509-SVID of " + id + " expired");
		}
		catch (CertificateNotYetValidException ex) {
			throw invalid("the client certificate is not valid yet", "X.509-SVID of " + id + " not yet valid");
		}
		SpiffeSource source = trust.spiffe(id.getTrustDomain())
			.orElseThrow(() -> invalid(UNTRUSTED, "trust domain " + id.getTrustDomain().getName() + " is not trusted"));
		List<X509Certificate> authorities;
		try {
			authorities = source.keys().keys(null).x509Authorities();
		}
		catch (KeysUnavailableException ex) {
			// Fails closed, answered as any untrusted certificate is: a source that is
			// down is not told apart from one that is not configured.
			throw invalid(UNTRUSTED, "keys of " + source.id() + " unavailable: " + ex.getMessage());
		}
		if (authorities.isEmpty()) {
			throw invalid(UNTRUSTED, "the bundle of " + source.id() + " has no x509-svid authorities");
		}
		chainsTo(chain, authorities, now, id);
		String thumbprint = thumbprint(leaf);
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("sub", id.toString());
		claims.put("nbf", leaf.getNotBefore().toInstant().getEpochSecond());
		claims.put("exp", leaf.getNotAfter().toInstant().getEpochSecond());
		claims.put("x5t#S256", thumbprint);
		return new VerifiedSubject(id.toString(), source.id(), TokenTypes.X509_SVID, claims,
				leaf.getNotAfter().toInstant(), "x5t:" + thumbprint);
	}

	private static SpiffeId spiffeId(X509Certificate leaf) {
		List<String> uris = uris(leaf);
		if (uris.size() != 1) {
			throw invalid("an X.509-SVID names exactly one URI SAN", uris.size() + " URI SANs");
		}
		try {
			SpiffeId id = SpiffeIds.parseId(uris.get(0));
			if (id.getPath().isEmpty()) {
				throw new IllegalArgumentException("it names a trust domain, not a workload");
			}
			return id;
		}
		catch (IllegalArgumentException ex) {
			throw invalid("the client certificate's URI SAN is not a SPIFFE ID of a workload",
					"URI SAN is not a workload's SPIFFE ID: " + ex.getMessage());
		}
	}

	// X.509-SVID §4.3 and §4.4: a leaf is no CA; digitalSignature, never keyCertSign or
	// cRLSign.
	private static void leafConstraints(X509Certificate leaf) {
		if (leaf.getBasicConstraints() >= 0) {
			throw invalid("the client certificate is a CA certificate, not a workload's X.509-SVID",
					"leaf has basicConstraints cA true");
		}
		boolean[] usage = leaf.getKeyUsage();
		if (usage == null || !usage[0] || (usage.length > 5 && usage[5]) || (usage.length > 6 && usage[6])) {
			throw invalid("the client certificate's key usage is not an X.509-SVID's: digitalSignature, and "
					+ "neither keyCertSign nor cRLSign", "leaf key usage not an X.509-SVID's");
		}
		List<String> extended;
		try {
			extended = leaf.getExtendedKeyUsage();
		}
		catch (CertificateParsingException ex) {
			throw invalid("the client certificate's extended key usage cannot be read",
					"extended key usage unreadable");
		}
		if (extended != null && !extended.contains(CLIENT_AUTH)) {
			throw invalid("the client certificate's extended key usage does not allow client authentication",
					"extended key usage without clientAuth");
		}
	}

	private static void chainsTo(List<X509Certificate> chain, List<X509Certificate> authorities, Instant now,
			SpiffeId id) {
		Set<TrustAnchor> anchors = new HashSet<>();
		Date at = Date.from(now);
		for (X509Certificate authority : authorities) {
			// PKIX takes an anchor as given (the JDK's does not take its name
			// constraints either): its validity and its URI constraints are Writ's to
			// check.
			try {
				authority.checkValidity(at);
			}
			catch (CertificateExpiredException | CertificateNotYetValidException ex) {
				continue;
			}
			if (permits(authority, id.getTrustDomain().getName())) {
				anchors.add(new TrustAnchor(authority, null));
			}
		}
		if (anchors.isEmpty()) {
			throw invalid(UNTRUSTED, "no x509-svid authority of " + id.getTrustDomain().getName()
					+ " is valid now and may sign its SPIFFE IDs");
		}
		X509CertSelector target = new X509CertSelector();
		target.setCertificate(chain.get(0));
		try {
			PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
			parameters.setRevocationEnabled(false);
			parameters.setDate(Date.from(now));
			parameters.setMaxPathLength(MAX_CHAIN);
			Collection<X509Certificate> presented = new ArrayList<>(chain);
			parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(presented)));
			CertPathBuilder.getInstance("PKIX").build(parameters);
		}
		catch (InvalidAlgorithmParameterException ex) {
			throw invalid(UNTRUSTED, "no usable x509-svid authority for " + id.getTrustDomain().getName());
		}
		catch (GeneralSecurityException ex) {
			throw invalid(UNTRUSTED, "X.509-SVID of " + id + " does not chain to an authority of its trust domain");
		}
	}

	// An authority's NameConstraints (RFC 5280 §4.2.1.10) for URIs, which name a SPIFFE
	// ID's trust domain as its host: a permitted subtree, if any, must match it, an
	// excluded one must not. ".example.org" matches the hosts below it, "example.org"
	// that one alone. Other name forms constrain no SPIFFE ID.
	static boolean permits(X509Certificate authority, String host) {
		byte[] extension = authority.getExtensionValue(NAME_CONSTRAINTS);
		if (extension == null) {
			return true;
		}
		NameConstraints constraints;
		try {
			constraints = NameConstraints.getInstance(ASN1OctetString.getInstance(extension).getOctets());
		}
		catch (IllegalArgumentException ex) {
			return false; // unreadable constraints constrain everything
		}
		List<String> permitted = uriSubtrees(constraints.getPermittedSubtrees());
		List<String> excluded = uriSubtrees(constraints.getExcludedSubtrees());
		return (permitted.isEmpty() || permitted.stream().anyMatch((c) -> matches(c, host)))
				&& excluded.stream().noneMatch((c) -> matches(c, host));
	}

	private static List<String> uriSubtrees(GeneralSubtree @Nullable [] subtrees) {
		List<String> uris = new ArrayList<>();
		if (subtrees != null) {
			for (GeneralSubtree subtree : subtrees) {
				if (subtree.getBase().getTagNo() == GeneralName.uniformResourceIdentifier) {
					uris.add(subtree.getBase().getName().toString().toLowerCase(java.util.Locale.ROOT));
				}
			}
		}
		return uris;
	}

	private static boolean matches(String constraint, String host) {
		return constraint.startsWith(".") ? host.endsWith(constraint) : host.equals(constraint);
	}

	private static List<String> uris(X509Certificate certificate) {
		List<String> uris = new ArrayList<>();
		try {
			Collection<List<?>> names = certificate.getSubjectAlternativeNames();
			if (names != null) {
				for (List<?> name : names) {
					if (name.size() == 2 && name.get(0) instanceof Integer type && type == URI_NAME
							&& name.get(1) instanceof String uri) {
						uris.add(uri);
					}
				}
			}
		}
		catch (CertificateParsingException ex) {
			throw invalid("the client certificate's subject alternative names cannot be read", "SAN unreadable");
		}
		return uris;
	}

	private static ExchangeException invalid(String description, String detail) {
		return new ExchangeException(ErrorCode.INVALID_REQUEST, description, detail);
	}

}
