package dev.writ.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A Writ site on disk for tests: {@code policies/} and {@code keys/} side by side in a
 * fresh temporary directory, trusting one test trust domain through a real bundle file.
 * Keys are generated per run, never committed.
 */
public final class WritTestSite {

	/** The trust domain the site trusts. */
	public static final String TRUST_DOMAIN = "test.example.org";

	private final Path root;

	private final TestAuthority authority;

	private WritTestSite(Path root, TestAuthority authority) {
		this.root = root;
		this.authority = authority;
	}

	/**
	 * A site whose policies are {@code grants} (YAML, under {@code grants:}) after the
	 * trust entry.
	 */
	public static WritTestSite create(String grants) {
		return create(grants, Clock.systemUTC());
	}

	/** A site whose authority mints tokens by {@code clock}. */
	public static WritTestSite create(String grants, Clock clock) {
		try {
			Path root = Files.createTempDirectory("writ-site-");
			TestAuthority authority = TestAuthority.ec(TRUST_DOMAIN, clock);
			authority.writeBundle(root.resolve("keys/trust/" + TRUST_DOMAIN + ".bundle.json"));
			Files.createDirectories(root.resolve("policies"));
			Files.writeString(root.resolve("policies/trust.yaml"), """
					spiffe:
					  - trust_domain: %s
					    bundle: { file: keys/trust/%s.bundle.json }
					""".formatted(TRUST_DOMAIN, TRUST_DOMAIN));
			Files.writeString(root.resolve("policies/grants.yaml"), grants);
			return new WritTestSite(root, authority);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public Path policies() {
		return this.root.resolve("policies");
	}

	public Path keys() {
		return this.root.resolve("keys");
	}

	/** The trust domain's authority, which mints JWT-SVIDs the site trusts. */
	public TestAuthority authority() {
		return this.authority;
	}

}
