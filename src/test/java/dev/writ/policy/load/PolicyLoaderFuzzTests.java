package dev.writ.policy.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.JWKSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestTrust;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicySet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link PolicyLoader#load} with a policies directory of one fuzzed file, beside a
 * {@code keys/} directory holding a bundle and a JWKS made at test time (so seeds reach
 * grants through {@code keys/trust/fuzz.bundle.json} and
 * {@code keys/trust/fuzz.jwks.json}). The oracle: nothing but a {@link PolicyException}
 * escapes, each of its problems names the file and a line in it, and a policy set loaded
 * is loaded again the same.
 *
 * <p>
 * Loading opens no connection: remote keys are fetched on first use and the trust factory
 * is not live.
 */
final class PolicyLoaderFuzzTests {

	@TempDir
	static Path root;

	private static PolicyLoader loader;

	@BeforeAll
	static void site() throws IOException {
		TestAuthority authority = TestAuthority.ec("fuzz.example.org", Clock.systemUTC());
		authority.writeBundle(root.resolve("keys/trust/fuzz.bundle.json"));
		Files.writeString(root.resolve("keys/trust/fuzz.jwks.json"), new JWKSet(authority.oidcPublicKey()).toString());
		Files.createDirectories(root.resolve("policies"));
		loader = new PolicyLoader(TestTrust.factory(Clock.systemUTC()), root.resolve("keys"), Duration.ofMinutes(5),
				Duration.ofHours(1));
	}

	@DictionaryFile(resourcePath = "policy.dict")
	@FuzzTest
	void load(byte[] input) throws IOException {
		Path directory = root.resolve("policies");
		Path file = Files.write(directory.resolve("policy.yaml"), input);
		PolicySet policies;
		try {
			policies = loader.load(directory);
		}
		catch (PolicyException ex) {
			long lines = new String(input, StandardCharsets.UTF_8).chars()
				.filter((c) -> c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029)
				.count() + 1;
			assertThat(ex.problems()).isNotEmpty().allSatisfy((problem) -> {
				assertThat(problem.file()).isEqualTo(file);
				assertThat((long) problem.line()).isBetween(0L, lines);
				assertThat(problem.message()).isNotBlank();
			});
			return;
		}
		PolicySet again = loader.load(directory);
		assertThat(again.digest()).isEqualTo(policies.digest());
		assertThat(again.grantCount()).isEqualTo(policies.grantCount());
		assertThat(again.parameters()).isEqualTo(policies.parameters());
		assertThat(again.trust().sources()).hasSameSizeAs(policies.trust().sources());
	}

}
