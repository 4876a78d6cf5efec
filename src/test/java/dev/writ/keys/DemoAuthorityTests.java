package dev.writ.keys;

import dev.writ.request.TokenTypes;
import dev.writ.testing.TestTrust;
import dev.writ.trust.SubjectTokenVerifier;
import dev.writ.trust.TrustSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DemoAuthorityTests {

	private static final TrustDomain DEMO = TrustDomain.parse("demo.writ.local");

	@TempDir
	Path keys;

	@Test
	void ensureWhenCalledTwiceThenOneKeyAndTheSameBundle() throws Exception {
		DemoAuthority demo = DemoAuthority.of(this.keys, DEMO);

		assertThat(demo.ensure()).isTrue();
		String bundle = Files.readString(demo.bundleFile());
		assertThat(demo.ensure()).isFalse();
		assertThat(Files.readString(demo.bundleFile())).isEqualTo(bundle);
	}

	@Test
	void mintSvidThenVerifiesAgainstTheBundleOnly() throws Exception {
		DemoAuthority demo = DemoAuthority.of(this.keys, DEMO);
		demo.ensure();
		Clock clock = Clock.systemUTC();

		String svid = demo.mintSvid(SpiffeId.parse("spiffe://demo.writ.local/ns/demo/sa/orders"),
				List.of("http://localhost:8080"), Duration.ofMinutes(5), clock);

		TrustSet trust = TrustSet
			.of(List.of(TestTrust.factory(clock).spiffeBundle(DEMO, Files.readString(demo.bundleFile()))));
		SubjectTokenVerifier verifier = new SubjectTokenVerifier(Set.of("http://localhost:8080"), Duration.ZERO, clock);
		assertThat(verifier.verify(svid, TokenTypes.JWT, trust).subject())
			.isEqualTo("spiffe://demo.writ.local/ns/demo/sa/orders");
	}

	@Test
	void mintSvidWhenNoKeyThenRefusedAndNothingWritten() {
		DemoAuthority demo = DemoAuthority.of(this.keys, DEMO);

		assertThatExceptionOfType(KeyConfigurationException.class)
			.isThrownBy(() -> demo.mintSvid(SpiffeId.parse("spiffe://demo.writ.local/a"),
					List.of("http://localhost:8080"), Duration.ofMinutes(5), Clock.systemUTC()))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement().asString().contains("no demo key"));
		assertThat(this.keys.resolve("demo")).doesNotExist();
		assertThat(demo.bundleFile()).doesNotExist();
	}

	@Test
	void mintSvidWhenKeyExistsThenOnlyReadsIt() throws Exception {
		DemoAuthority.of(this.keys, DEMO).ensure();
		// A minter that has keys/demo alone, where keys/trust cannot be created.
		Path minterKeys = Files.createDirectory(this.keys.resolve("minter"));
		Files.copy(this.keys.resolve("demo"), minterKeys.resolve("demo"));
		Files.copy(this.keys.resolve("demo/demo.writ.local.pem"), minterKeys.resolve("demo/demo.writ.local.pem"));
		Files.writeString(minterKeys.resolve("trust"), "a file where the directory would go");
		Clock clock = Clock.systemUTC();

		String svid = DemoAuthority.of(minterKeys, DEMO)
			.mintSvid(SpiffeId.parse("spiffe://demo.writ.local/ns/demo/sa/checkout"), List.of("http://localhost:8080"),
					Duration.ofMinutes(5), clock);

		TrustSet trust = TrustSet.of(List.of(TestTrust.factory(clock)
			.spiffeBundle(DEMO, Files.readString(DemoAuthority.of(this.keys, DEMO).bundleFile()))));
		assertThat(new SubjectTokenVerifier(Set.of("http://localhost:8080"), Duration.ZERO, clock)
			.verify(svid, TokenTypes.JWT, trust)
			.subject()).isEqualTo("spiffe://demo.writ.local/ns/demo/sa/checkout");
		assertThat(Files.readString(minterKeys.resolve("trust"))).isEqualTo("a file where the directory would go");
	}

	@Test
	void mintSvidWhenOtherTrustDomainThenRefused() {
		DemoAuthority demo = DemoAuthority.of(this.keys, DEMO);

		assertThatIllegalArgumentException()
			.isThrownBy(() -> demo.mintSvid(SpiffeId.parse("spiffe://prod.example.org/a"), List.of("a"),
					Duration.ofMinutes(1), Clock.systemUTC()));
	}

}
