package dev.writ.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.Base64;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A SPIFFE trust domain's X.509 authority for tests, as SPIRE's server CA is: a CA
 * certificate and key generated per run (never committed), the {@code x509-svid} entry
 * that publishes it in the trust domain's bundle, and a builder of X.509-SVIDs it signs —
 * good ones, and each way one can be bad.
 */
public final class TestSpiffeCa {

	private static long serial = System.nanoTime();

	private final String trustDomain;

	private final KeyPair key;

	private final X509Certificate certificate;

	private TestSpiffeCa(String trustDomain, KeyPair key, X509Certificate certificate) {
		this.trustDomain = trustDomain;
		this.key = key;
		this.certificate = certificate;
	}

	/** A CA for the trust domain, valid from an hour ago for a day. */
	public static TestSpiffeCa create(String trustDomain) {
		return create(trustDomain, Instant.now().plus(Duration.ofDays(1)), null);
	}

	/** A CA for the trust domain that expired a minute ago. */
	public static TestSpiffeCa expired(String trustDomain) {
		return create(trustDomain, Instant.now().minus(Duration.ofMinutes(1)), null);
	}

	/**
	 * A CA for the trust domain whose own NameConstraints permit only URIs of
	 * {@code permittedHost}.
	 */
	public static TestSpiffeCa constrainedTo(String trustDomain, String permittedHost) {
		return create(trustDomain, Instant.now().plus(Duration.ofDays(1)), permittedHost);
	}

	private static TestSpiffeCa create(String trustDomain, Instant notAfter, @Nullable String permittedHost) {
		KeyPair key = generate();
		Instant now = Instant.now();
		X500Name name = new X500Name("O=SPIFFE,CN=" + trustDomain);
		JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(nextSerial()),
				Date.from(now.minus(Duration.ofHours(2))), Date.from(notAfter), name, key.getPublic());
		try {
			if (permittedHost != null) {
				builder.addExtension(Extension.nameConstraints, true,
						new NameConstraints(
								new GeneralSubtree[] { new GeneralSubtree(
										new GeneralName(GeneralName.uniformResourceIdentifier, permittedHost)) },
								null));
			}
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
					new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://" + trustDomain)));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return new TestSpiffeCa(trustDomain, key, sign(builder, key));
	}

	public String trustDomain() {
		return this.trustDomain;
	}

	public X509Certificate certificate() {
		return this.certificate;
	}

	/**
	 * Its entry in the trust domain's SPIFFE bundle: {@code use: x509-svid}, {@code x5c}.
	 */
	public JWK bundleEntry() {
		try {
			return new ECKey.Builder(ECKey.parse(this.certificate)).keyUse(new KeyUse("x509-svid"))
				.x509CertChain(List.of(Base64.encode(this.certificate.getEncoded())))
				.build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A builder of an X.509-SVID for a path of this trust domain. */
	public Builder svid(String path) {
		return new Builder("spiffe://" + this.trustDomain + path);
	}

	private static KeyPair generate() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer) {
		try {
			return new JcaX509CertificateConverter().getCertificate(
					builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
		}
		catch (GeneralSecurityException | OperatorCreationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static synchronized long nextSerial() {
		return ++serial;
	}

	/** An X.509-SVID being made: by default a valid one, for an hour. */
	public final class Builder {

		private final List<String> uris = new ArrayList<>();

		private Instant notBefore = Instant.now().minus(Duration.ofMinutes(5));

		private Instant notAfter = Instant.now().plus(Duration.ofHours(1));

		private boolean ca;

		private int keyUsage = KeyUsage.digitalSignature;

		private KeyPurposeId[] extendedKeyUsage = { KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth };

		private boolean viaIntermediate;

		private Builder(String uri) {
			this.uris.add(uri);
		}

		/** One more URI SAN. */
		public Builder alsoNamed(String uri) {
			this.uris.add(uri);
			return this;
		}

		/** Expired this long ago. */
		public Builder expiredAgo(Duration ago) {
			this.notBefore = Instant.now().minus(Duration.ofHours(2));
			this.notAfter = Instant.now().minus(ago);
			return this;
		}

		/** Flagged as a CA. */
		public Builder ca() {
			this.ca = true;
			return this;
		}

		/** With this key usage (BouncyCastle's {@code KeyUsage} bits). */
		public Builder keyUsage(int usage) {
			this.keyUsage = usage;
			return this;
		}

		/** With these extended key usages. */
		public Builder extendedKeyUsage(KeyPurposeId... usages) {
			this.extendedKeyUsage = usages;
			return this;
		}

		/** Signed by an intermediate CA that this CA signed, sent along in the chain. */
		public Builder viaIntermediate() {
			this.viaIntermediate = true;
			return this;
		}

		/** Signed by this CA. */
		public Svid issue() {
			KeyPair signer = TestSpiffeCa.this.key;
			X509Certificate issuer = TestSpiffeCa.this.certificate;
			List<X509Certificate> chain = new ArrayList<>();
			if (this.viaIntermediate) {
				KeyPair intermediateKey = generate();
				X500Name name = new X500Name("O=SPIFFE,CN=intermediate");
				JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
						BigInteger.valueOf(nextSerial()), Date.from(Instant.now().minus(Duration.ofHours(1))),
						Date.from(Instant.now().plus(Duration.ofHours(12))), name, intermediateKey.getPublic());
				try {
					builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
					builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
				X509Certificate intermediate = sign(builder, signer);
				signer = intermediateKey;
				issuer = intermediate;
				chain.add(intermediate);
			}
			return issue(signer, issuer, chain);
		}

		/**
		 * Signed by another CA of the same trust domain name: one Writ does not trust.
		 */
		public Svid issueByImpostor() {
			TestSpiffeCa impostor = create(TestSpiffeCa.this.trustDomain);
			return issue(impostor.key, impostor.certificate, new ArrayList<>());
		}

		private Svid issue(KeyPair signer, X509Certificate issuer, List<X509Certificate> intermediates) {
			KeyPair key = generate();
			JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
					BigInteger.valueOf(nextSerial()), Date.from(this.notBefore), Date.from(this.notAfter),
					new X500Name("O=SPIRE"), key.getPublic());
			try {
				builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(this.ca));
				if (this.keyUsage != 0) {
					builder.addExtension(Extension.keyUsage, true, new KeyUsage(this.keyUsage));
				}
				if (this.extendedKeyUsage.length > 0) {
					builder.addExtension(Extension.extendedKeyUsage, false,
							new ExtendedKeyUsage(this.extendedKeyUsage));
				}
				GeneralName[] names = this.uris.stream()
					.map((uri) -> new GeneralName(GeneralName.uniformResourceIdentifier, uri))
					.toArray(GeneralName[]::new);
				builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			List<X509Certificate> chain = new ArrayList<>();
			chain.add(sign(builder, signer));
			chain.addAll(intermediates);
			return new Svid(chain.toArray(X509Certificate[]::new), key);
		}

	}

	/**
	 * An X.509-SVID and its key: what a workload's Workload API hands it.
	 *
	 * @param chain the leaf first, then any intermediates
	 * @param key the leaf's key pair
	 */
	public record Svid(X509Certificate[] chain, KeyPair key) {

		public X509Certificate leaf() {
			return this.chain[0];
		}

		public List<X509Certificate> chainList() {
			return Arrays.asList(this.chain);
		}

		/**
		 * A TLS client context that presents this SVID and trusts the given server
		 * certificate.
		 */
		public SSLContext clientContext(X509Certificate server) {
			return TestSpiffeCa.clientContext(this.key, this.chain, server);
		}

	}

	/**
	 * A TLS client context that presents this key and chain and trusts the given server
	 * certificate.
	 */
	public static SSLContext clientContext(KeyPair key, X509Certificate[] chain, X509Certificate server) {
		try {
			KeyStore keys = KeyStore.getInstance("PKCS12");
			keys.load(null, null);
			keys.setKeyEntry("client", key.getPrivate(), new char[0], chain);
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(keys, new char[0]);
			KeyStore trusted = KeyStore.getInstance("PKCS12");
			trusted.load(null, null);
			trusted.setCertificateEntry("server", server);
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trusted);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
