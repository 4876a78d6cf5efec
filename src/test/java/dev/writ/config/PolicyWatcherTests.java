package dev.writ.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.policy.PolicyStore;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestTrust;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyWatcherTests {

	private static final String TRUST = """
			spiffe:
			  - trust_domain: prod.example.org
			    bundle: { file: keys/trust/prod.json }
			""";

	private static final String GRANT = """
			grants:
			  - id: a
			    subject: spiffe://prod.example.org/a
			    audience: https://a.example.org
			    scopes: [read]
			""";

	@TempDir
	Path root;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private PolicyStore store;

	private PolicyWatcher watcher;

	private void start() throws IOException {
		TestAuthority.ec("prod.example.org", Clock.systemUTC()).writeBundle(this.root.resolve("keys/trust/prod.json"));
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("trust.yaml"), TRUST);
		Files.writeString(policies.resolve("grants.yaml"), GRANT);
		this.store = TestTrust.store(policies, this.root.resolve("keys"));
		this.watcher = new PolicyWatcher(this.store, policies, List.of(this.root.resolve("keys/trust")), this.meters,
				Duration.ZERO);
	}

	private double reloads(String outcome) {
		return this.meters.get("writ.policy.reloads").tag("outcome", outcome).counter().count();
	}

	private String activeDigest() {
		return this.meters.get("writ.policy.active").gauge().getId().getTag("digest");
	}

	@Test
	void pollWhenNothingChangedThenNoReload() throws IOException {
		start();
		String digest = this.store.current().digest();

		this.watcher.poll();

		assertThat(this.store.current().digest()).isEqualTo(digest);
		assertThat(reloads("applied")).isZero();
		assertThat(activeDigest()).isEqualTo(digest);
	}

	@Test
	void pollWhenAFileTheLoaderDoesNotReadChangesThenNoReload() throws IOException {
		start();
		Path policies = this.root.resolve("policies");

		// An editor's swap file, a backup, notes: the loader reads none of them, so they
		// change nothing.
		Files.writeString(policies.resolve(".grants.yaml.swp"), "swap");
		Files.writeString(policies.resolve("grants.yaml~"), "backup");
		Files.writeString(policies.resolve("NOTES.md"), "notes");
		Files.writeString(this.root.resolve("keys/trust/.prod.json.swp"), "swap");
		this.watcher.poll();

		assertThat(reloads("applied")).isZero();
		assertThat(reloads("refused")).isZero();
	}

	@Test
	void pollWhenAGrantIsEditedThenAppliedAtOnce() throws IOException {
		start();
		String before = this.store.current().digest();

		Files.writeString(this.root.resolve("policies/grants.yaml"), GRANT.replace("[read]", "[read, write]"));
		this.watcher.poll();

		assertThat(this.store.current().digest()).isNotEqualTo(before);
		assertThat(reloads("applied")).isEqualTo(1);
		assertThat(activeDigest()).isEqualTo(this.store.current().digest());
	}

	@Test
	void pollWhenABadEditThenNothingChangesAndTheNextGoodEditApplies() throws IOException {
		start();
		String before = this.store.current().digest();

		Files.writeString(this.root.resolve("policies/grants.yaml"), GRANT.replace("scopes:", "scopse:"));
		this.watcher.poll();
		this.watcher.poll(); // the same bad content is not reloaded again

		assertThat(this.store.current().digest()).isEqualTo(before);
		assertThat(this.store.current().grantCount()).isEqualTo(1);
		assertThat(reloads("refused")).isEqualTo(1);
		assertThat(activeDigest()).isEqualTo(before);

		Files.writeString(this.root.resolve("policies/grants.yaml"), GRANT.replace("id: a", "id: b"));
		this.watcher.poll();
		assertThat(this.store.current().digest()).isNotEqualTo(before);
		assertThat(reloads("applied")).isEqualTo(1);
	}

	@Test
	void pollWhenTrustMaterialChangesThenReloaded() throws IOException {
		start();
		TestAuthority rotated = TestAuthority.ec("prod.example.org", Clock.systemUTC());

		rotated.writeBundle(this.root.resolve("keys/trust/prod.json"));
		this.watcher.poll();

		assertThat(reloads("applied")).isEqualTo(1);
	}

	@Test
	void pollWhenATrustFileOutsideKeysTrustChangesThenReloadedAndTheDigestSaysSo() throws IOException {
		start();
		// A bundle kept beside the policies, not in keys/trust/: it must be watched all
		// the same.
		Path elsewhere = Files.createDirectories(this.root.resolve("bundles")).resolve("edge.json");
		TestAuthority edge = TestAuthority.ec("edge.example.org", Clock.systemUTC());
		edge.writeBundle(elsewhere);
		Files.writeString(this.root.resolve("policies/trust.yaml"), TRUST + """
				  - trust_domain: edge.example.org
				    bundle: { file: bundles/edge.json }
				""");
		this.watcher.poll();
		String withEdgeKey = this.store.current().digest();
		assertThat(reloads("applied")).isEqualTo(1);

		// The key is removed from that bundle: a key no longer trusted must stop being
		// trusted now.
		TestAuthority.ec("edge.example.org", Clock.systemUTC()).writeBundle(elsewhere);
		this.watcher.poll();

		assertThat(reloads("applied")).isEqualTo(2);
		assertThat(this.store.current().digest()).isNotEqualTo(withEdgeKey);
		assertThat(this.store.current()
			.trust()
			.source("spiffe://edge.example.org")
			.orElseThrow()
			.keys()
			.keys(edge.kid())
			.keyIds()).doesNotContain(edge.kid());
	}

}
