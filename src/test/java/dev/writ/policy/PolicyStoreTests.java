package dev.writ.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.writ.testing.TestTrust;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store of the policies in force says what an operator must know of them once, not at
 * every reload.
 */
@ExtendWith(OutputCaptureExtension.class)
class PolicyStoreTests {

	@TempDir
	Path root;

	@Test
	void loadWhenADemoEntryThenWarnedAtStartAndWhenAddedNotAtEveryReload(CapturedOutput output) throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("trust.yaml"),
				"spiffe:\n  - trust_domain: demo.writ.local\n    demo: true\n");
		PolicyStore store = TestTrust.store(policies, this.root.resolve("keys"));

		assertThat(store.current().demoEntries()).singleElement()
			.extracting(DemoEntry::trustDomain)
			.isEqualTo("demo.writ.local");
		assertThat(output.getAll()).containsOnlyOnce("DEMO TRUST: trust domain demo.writ.local is trusted with a key "
				+ "generated on this machine (" + this.root.resolve("keys/demo/demo.writ.local.pem") + ")");

		Files.writeString(policies.resolve("trust.yaml"), "spiffe:\n  - trust_domain: demo.writ.local\n    demo: true\n"
				+ "  - trust_domain: other.writ.local\n    demo: true\n");
		store.reload();
		store.reload();

		assertThat(output.getAll()).containsOnlyOnce("DEMO TRUST: trust domain demo.writ.local")
			.containsOnlyOnce("DEMO TRUST: trust domain other.writ.local");
	}

}
