package dev.writ.keys;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jca.JCAAware;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

import org.jspecify.annotations.Nullable;

/**
 * Which JCA provider signs and verifies. Amazon Corretto Crypto Provider (AWS-LC, native)
 * when it loads and passes its self-tests — on Linux x86-64 about eight times the JDK for
 * ES256 (docs/benchmarks.md) — else the JDK's. Each JWS algorithm is given to the native
 * provider only after a sign-and-verify round trip that the JDK checks both ways; an
 * algorithm it lacks or gets wrong stays with the JDK. {@code -Dwrit.crypto.provider=jdk}
 * (or {@code WRIT_CRYPTO_PROVIDER=jdk}) keeps everything on the JDK. Decided once per
 * JVM.
 */
public final class Crypto {

	private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
			JWSAlgorithm.ES512, JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
			JWSAlgorithm.PS384, JWSAlgorithm.PS512);

	// In holders, not fields of this class: prepareInBackground() must return at once,
	// and
	// this class's initialisation runs on its caller. The provider's load and self-test
	// happen on the thread that first needs them; nothing here logs, as the logging
	// system is not configured yet: describe() says what the round trips found.
	private static final class Default {

		static final Crypto INSTANCE = detect();

	}

	private final @Nullable Provider provider;

	private final String reason;

	private final Map<JWSAlgorithm, Boolean> admitted = new ConcurrentHashMap<>();

	// Algorithms the native provider failed or could not handle, and why.
	private final Map<JWSAlgorithm, String> keptOnJdk = new ConcurrentHashMap<>();

	private final @Nullable RoundTrip roundTrips;

	private Crypto(@Nullable Provider provider, String reason) {
		this.provider = provider;
		this.reason = reason;
		this.roundTrips = (provider != null) ? new RoundTrip(provider) : null;
	}

	/** The JVM's choice. */
	public static Crypto get() {
		return Default.INSTANCE;
	}

	/**
	 * Loads the native provider and runs its per-algorithm round trips on a background
	 * thread, so that they overlap the rest of start-up (about 0.3 s to load and
	 * self-test the provider, 0.5 s of round trips, most of it an RSA test key). Anyone
	 * who needs an algorithm meanwhile waits for its round trip, never skips it.
	 */
	public static void prepareInBackground() {
		// Not get()::admits: that would load the provider on the caller's thread, before
		// the thread starts.
		Thread thread = new Thread(() -> ALGORITHMS.forEach((alg) -> get().admits(alg)), "writ-crypto-self-test");
		thread.setDaemon(true);
		thread.start();
	}

	/** Algorithms on {@code provider} where it passes their round trips: for tests. */
	static Crypto on(Provider provider, String reason) {
		return new Crypto(provider, reason);
	}

	/** Everything on the JDK's providers. */
	public static Crypto jdk() {
		return new Crypto(null, "the JDK's providers, as configured");
	}

	private static Crypto detect() {
		String choice = System.getProperty("writ.crypto.provider",
				System.getenv().getOrDefault("WRIT_CRYPTO_PROVIDER", "auto"));
		if ("jdk".equalsIgnoreCase(choice)) {
			return new Crypto(null, "the JDK's providers (writ.crypto.provider=jdk)");
		}
		try {
			AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
			accp.assertHealthy();
			return new Crypto(accp, accp.getName() + " " + accp.getVersionStr() + " (AWS-LC, native)");
		}
		catch (Throwable ex) {
			// Another OS or CPU, or a failed self-test: the JDK is correct everywhere.
			return new Crypto(null, "the JDK's providers (Amazon Corretto Crypto Provider unavailable: "
					+ ex.getClass().getSimpleName() + ")");
		}
	}

	/** The native provider's name, or {@code jdk}. */
	public String name() {
		return (this.provider != null) ? this.provider.getName() : "jdk";
	}

	/** A sentence for the start-up log. */
	public String describe() {
		if (this.provider == null) {
			return "Crypto: " + this.reason;
		}
		List<String> native_ = ALGORITHMS.stream().filter(this::admits).map(JWSAlgorithm::getName).sorted().toList();
		// Why an algorithm stays on the JDK, said here: the round trips run on a
		// background thread before the logging system is configured.
		List<String> kept = this.keptOnJdk.entrySet()
			.stream()
			.map((entry) -> entry.getKey().getName() + " (" + entry.getValue() + ")")
			.sorted()
			.toList();
		return "Crypto: " + this.reason + " for " + native_ + "; the JDK for the rest"
				+ (kept.isEmpty() ? "" : "; kept on the JDK: " + String.join(", ", kept));
	}

	/**
	 * Gives a signer or verifier for {@code alg} the native provider, if it is admitted
	 * for that algorithm.
	 */
	public <T extends JCAAware<JCAContext>> T configure(T operation, JWSAlgorithm alg) {
		if (admits(alg)) {
			operation.getJCAContext().setProvider(this.provider);
		}
		return operation;
	}

	/**
	 * A verifier of signatures made with {@code alg} by a public EC or RSA key: on the
	 * native provider when it is admitted for {@code alg}, else on the JDK's. With
	 * {@link #jdkVerifier}, the one way Writ turns a key into a verifier.
	 * @throws IllegalArgumentException if the key is neither EC nor RSA
	 * @throws JOSEException if the key cannot verify (an EC curve without a JWS
	 * algorithm)
	 */
	public JWSVerifier verifier(JWK key, JWSAlgorithm alg) throws JOSEException {
		if (admits(alg) && !key.isPrivate()) {
			// The native provider's own key: translated once here, not at every
			// verification (ACCP converts a foreign key into its native form per call).
			if (key instanceof ECKey ec && translated(ec.toECPublicKey(), "EC") instanceof ECPublicKey nativeKey) {
				return configure(new ECDSAVerifier(nativeKey), alg);
			}
			if (key instanceof RSAKey rsa
					&& translated(rsa.toRSAPublicKey(), "RSA") instanceof RSAPublicKey nativeKey) {
				return configure(new RSASSAVerifier(nativeKey), alg);
			}
		}
		return configure(jdkVerifier(key), alg);
	}

	// A key in the native provider's own form, or null when it will not take it.
	private java.security.@Nullable Key translated(java.security.Key key, String algorithm) {
		Provider native_ = this.provider;
		if (native_ == null) {
			return null;
		}
		try {
			return java.security.KeyFactory.getInstance(algorithm, native_).translateKey(key);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * A verifier of signatures by a public EC or RSA key, on the JDK's providers.
	 * @throws IllegalArgumentException if the key is neither EC nor RSA, or holds private
	 * material (a verifier is built from public keys only)
	 * @throws JOSEException if the key cannot verify (an EC curve without a JWS
	 * algorithm)
	 */
	public static JWSVerifier jdkVerifier(JWK key) throws JOSEException {
		if (key.isPrivate()) {
			throw new IllegalArgumentException("a verifier is built from a public key, not a private one");
		}
		if (key instanceof ECKey ec) {
			return new ECDSAVerifier(ec);
		}
		if (key instanceof RSAKey rsa) {
			return new RSASSAVerifier(rsa);
		}
		throw new IllegalArgumentException("key type " + key.getKeyType() + " is not supported (EC or RSA)");
	}

	/**
	 * A signer with a private EC or RSA key for {@code alg}: on the native provider when
	 * it is admitted for {@code alg}, else on the JDK's. The one way Writ turns a key
	 * into a signer.
	 * @throws IllegalArgumentException if the key is neither EC nor RSA, or is public
	 * @throws JOSEException if the key cannot sign (an EC curve without a JWS algorithm)
	 */
	public JWSSigner signer(JWK key, JWSAlgorithm alg) throws JOSEException {
		if (!key.isPrivate()) {
			throw new IllegalArgumentException("a signer needs a private key");
		}
		if (admits(alg)) {
			// As for verifiers: the native provider's own form of the key, made once.
			if (key instanceof ECKey ec
					&& translated(ec.toECPrivateKey(), "EC") instanceof java.security.PrivateKey nativeKey) {
				return configure(new ECDSASigner(nativeKey, ec.getCurve()), alg);
			}
			if (key instanceof RSAKey rsa
					&& translated(rsa.toRSAPrivateKey(), "RSA") instanceof java.security.PrivateKey nativeKey) {
				return configure(new RSASSASigner(nativeKey), alg);
			}
		}
		if (key instanceof ECKey ec) {
			return configure(new ECDSASigner(ec), alg);
		}
		if (key instanceof RSAKey rsa) {
			return configure(new RSASSASigner(rsa), alg);
		}
		throw new IllegalArgumentException("key type " + key.getKeyType() + " is not supported (EC or RSA)");
	}

	/** Whether the native provider handles {@code alg} (tested once per algorithm). */
	public boolean admits(JWSAlgorithm alg) {
		if (this.provider == null || !ALGORITHMS.contains(alg)) {
			return false;
		}
		return this.admitted.computeIfAbsent(alg, this::roundTrip);
	}

	// The algorithm's round trip on the native provider; why it failed is kept for
	// describe().
	private boolean roundTrip(JWSAlgorithm alg) {
		RoundTrip test = this.roundTrips;
		String failure = (test != null) ? test.failure(alg) : "no native provider";
		if (failure != null) {
			this.keptOnJdk.put(alg, failure);
		}
		return failure == null;
	}

	/** The native provider, if any: for benchmarks that compare it with the JDK. */
	public Optional<Provider> provider() {
		return Optional.ofNullable(this.provider);
	}

}
