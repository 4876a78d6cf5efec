package dev.writ.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;

import io.spiffe.spiffeid.TrustDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.policy.DemoEntry;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.policy.PolicySet;
import dev.writ.testing.TestTrust;

import static org.assertj.core.api.Assertions.assertThat;

class DemoKeysTests {

	@TempDir
	Path root;

	private PolicyLoader loader() {
		return new PolicyLoader(TestTrust.factory(Clock.systemUTC()), this.root.resolve("keys"), Duration.ofMinutes(5),
				Duration.ofHours(1));
	}

	private Path policies() throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("trust.yaml"),
				"spiffe:\n  - trust_domain: demo.writ.local\n    demo: true\n");
		return policies;
	}

	@Test
	void loadWhenTheLoaderAloneThenNoKeyWrittenAndTheEntryTrustsNoKey() throws IOException {
		PolicySet set = loader().load(policies());

		assertThat(set.demoEntries()).singleElement().extracting(DemoEntry::keyReady).isEqualTo(false);
		assertThat(this.root.resolve("keys")).doesNotExist();
	}

	@Test
	void loadWhenADemoEntryHasNoKeyThenGeneratedAndTrusted() throws IOException {
		Path policies = policies();

		PolicySet set = DemoKeys.load(loader(), policies, this.root.resolve("keys"));

		assertThat(set.demoEntries()).singleElement().extracting(DemoEntry::keyReady).isEqualTo(true);
		assertThat(set.trust().trusts(TrustDomain.parse("demo.writ.local"))).isTrue();
		// The private key (identity material) apart from the bundle (trust material) that
		// Writ verifies against.
		Path key = this.root.resolve("keys/demo/demo.writ.local.pem");
		assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		Path bundle = this.root.resolve("keys/trust/demo.writ.local.bundle.json");
		assertThat(Files.readString(bundle)).contains("jwt-svid").doesNotContain("\"d\"");
		assertThat(set.trustFiles()).contains(bundle.toAbsolutePath());
	}

	@Test
	void loadWhenTheKeyExistsThenKeptAsItIs() throws IOException {
		Path policies = policies();
		DemoKeys.load(loader(), policies, this.root.resolve("keys"));
		byte[] key = Files.readAllBytes(this.root.resolve("keys/demo/demo.writ.local.pem"));

		DemoKeys.load(loader(), policies, this.root.resolve("keys"));

		assertThat(Files.readAllBytes(this.root.resolve("keys/demo/demo.writ.local.pem"))).isEqualTo(key);
	}

}
