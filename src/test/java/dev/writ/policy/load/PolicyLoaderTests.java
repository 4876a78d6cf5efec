package dev.writ.policy.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import io.spiffe.spiffeid.TrustDomain;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestTrust;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicyProblem;
import dev.writ.policy.PolicySet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PolicyLoaderTests {

	private static final String TRUST = """
			spiffe:
			  - trust_domain: prod.example.org
			    bundle: { file: keys/trust/prod.bundle.json }
			""";

	@TempDir
	Path root;

	private PolicyLoader loader;

	@BeforeEach
	void site() {
		TestAuthority.ec("prod.example.org", Clock.systemUTC())
			.writeBundle(this.root.resolve("keys/trust/prod.bundle.json"));
		this.loader = new PolicyLoader(TestTrust.factory(Clock.systemUTC()), this.root.resolve("keys"),
				Duration.ofMinutes(5), Duration.ofHours(1));
	}

	private Path policies(String trust, String grants) throws IOException {
		Path dir = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(dir.resolve("a-trust.yaml"), trust);
		Files.writeString(dir.resolve("b-grants.yaml"), grants);
		return dir;
	}

	@Test
	void loadWhenATrustEntryIsRefusedThenOnlyItsOwnProblemNotOneForEachGrantNamingIt() throws IOException {
		Path dir = policies("""
				oidc:
				  - name: keycloak
				    issuer: http://localhost:8180/realms/demo
				spiffe:
				  - trust_domain: staging.example.org
				    bundle: { file: keys/trust/missing.bundle.json }
				""", """
				grants:
				  - id: ci
				    trust: keycloak
				    subject: service-account-ci
				    audience: https://a.example.org
				    scopes: [read]
				  - id: staging
				    subject: spiffe://staging.example.org/ns/a/sa/b
				    audience: https://a.example.org
				    scopes: [read]
				""");

		PolicyLoader serverDefaults = new PolicyLoader(TestTrust.factory(Clock.systemUTC(), false),
				this.root.resolve("keys"), Duration.ofMinutes(5), Duration.ofHours(1));
		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> serverDefaults.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).extracting(PolicyProblem::toString)
				.satisfiesExactly(
						(p) -> assertThat(p).contains("a-trust.yaml:3:")
							.contains("issuer http://localhost:8180/realms/demo must be https")
							.contains("writ.trust.allow-loopback-http=true"),
						(p) -> assertThat(p).contains("a-trust.yaml:5:").contains("missing.bundle.json")));
	}

	@Test
	void loadWhenSoundThenTrustAndGrants() throws IOException {
		Path dir = policies(TRUST, """
				grants:
				  - id: checkout-pays
				    description: Checkout may charge
				    subject: spiffe://prod.example.org/ns/prod/sa/checkout
				    audience: https://payments.example.org
				    scopes: [payments:charge]
				    ttl: 10m
				  - id: batch
				    subject_pattern: spiffe://prod\\.example\\.org/ns/batch/.*
				    audience: https://ledger.example.org
				    scopes: []
				""");

		PolicySet set = this.loader.load(dir);

		assertThat(set.grantCount()).isEqualTo(2);
		assertThat(set.trust().trusts(TrustDomain.parse("prod.example.org"))).isTrue();
		assertThat(set.digest()).hasSize(64);
	}

	@Test
	void loadWhenContentChangesThenDigestChanges() throws IOException {
		Path dir = policies(TRUST, "grants: []\n");
		String before = this.loader.load(dir).digest();
		Files.writeString(dir.resolve("b-grants.yaml"), "grants: []\n# a comment is a change too\n");

		assertThat(this.loader.load(dir).digest()).isNotEqualTo(before);
		assertThat(this.loader.load(dir).digest()).isEqualTo(this.loader.load(dir).digest());
	}

	@Test
	void loadWhenManyProblemsThenEveryOneListedWithFileAndLine() throws IOException {
		Path dir = policies(TRUST + """
				  - trust_domain: Other.example.org
				    bundle: { file: keys/trust/missing.json }
				  - trust_domain: prod.example.org
				    demo: true
				""", """
				grants:
				  - id: one
				    subject: spiffe://prod.example.org/a
				    audience: https://a.example.org
				    scopes: [read]
				    scopse: [typo]
				  - id: one
				    subject: spiffe://prod.example.org/b
				    subject_pattern: spiffe://prod.example.org/.*
				    audience: https://b.example.org
				    scopes: [read]
				  - id: unknown-domain
				    subject: spiffe://elsewhere.example.org/a
				    audience: https://a.example.org
				    scopes: [read]
				  - id: bad-pattern
				    subject_pattern: spiffe://prod.example.org/(
				    audience: https://a.example.org
				    scopes: [read]
				  - id: unanchored-domain
				    subject_pattern: .*
				    audience: https://a.example.org
				    scopes: [read]
				  - id: too-long
				    subject: spiffe://prod.example.org/a
				    audience: https://a.example.org
				    scopes: [read, "bad scope"]
				    ttl: 2h
				  - id: wrong-types
				    subject: spiffe://prod.example.org/a
				    audience: 42
				    scopes: read
				""");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).extracting(PolicyProblem::toString)
				.anySatisfy((p) -> assertThat(p).contains("a-trust.yaml:4:").contains("trust_domain"))
				.anySatisfy((p) -> assertThat(p).contains("a-trust.yaml:6:").contains("already configured"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:6:").contains("unknown key 'scopse'"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:7:").contains("already used"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:7:").contains("exactly one of subject"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:13:").contains("no spiffe entry trusts"))
				.anySatisfy(
						(p) -> assertThat(p).contains("b-grants.yaml:17:").contains("not a valid regular expression"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:21:").contains("must begin with spiffe://"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:27:").contains("not an RFC 6749 scope token"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:28:").contains("exceeds the server's cap"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:31:").contains("audience must be a string"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:32:").contains("scopes must be a list")));
	}

	@Test
	void loadWhenYamlSyntaxErrorThenLineOfIt() throws IOException {
		Path dir = policies(TRUST, "grants:\n  - id: a\n    audience: [unclosed\n");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement()
				.satisfies((p) -> assertThat(p.message()).startsWith("not valid YAML"))
				.satisfies((p) -> assertThat(p.line()).isPositive()));
	}

	@Test
	void loadWhenYamlAliasOrTagThenRefusedNotConstructed() throws IOException {
		Path dir = policies(TRUST, """
				grants:
				  - &g
				    id: a
				    subject: !!java.lang.Runtime spiffe://prod.example.org/a
				    audience: https://a.example.org
				    scopes: [read]
				  - *g
				""");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir));
	}

	@Test
	void loadWhenBundleHoldsPrivateKeyThenRefused() throws IOException {
		TestAuthority authority = TestAuthority.ec("prod.example.org", Clock.systemUTC());
		Files.writeString(this.root.resolve("keys/trust/prod.bundle.json"),
				"{\"keys\":[" + authority.privateKey().toJSONString() + "]}");
		Path dir = policies(TRUST, "grants: []\n");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("private").doesNotContain("\"d\""));
	}

	@Test
	void loadWhenDemoEntryWithoutKeyThenTrustedWithNoKeyAndNothingWritten() throws IOException {
		Path dir = policies("spiffe:\n  - trust_domain: demo.writ.local\n    demo: true\n", "grants: []\n");

		PolicySet set = this.loader.load(dir);

		assertThat(set.trust().trusts(TrustDomain.parse("demo.writ.local"))).isTrue();
		assertThat(set.demoEntries()).singleElement().satisfies((demo) -> {
			assertThat(demo.keyReady()).isFalse();
			assertThat(demo.where()).isEqualTo(dir.resolve("a-trust.yaml") + ":2");
		});
		assertThat(this.root.resolve("keys/demo")).doesNotExist();
		assertThat(this.root.resolve("keys/trust/demo.writ.local.bundle.json")).doesNotExist();
	}

	@Test
	void loadWhenOidcEntriesWrongThenEveryProblemListed() throws IOException {
		Path dir = policies("""
				oidc:
				  - name: k8s
				    preset: kubernetes
				  - name: ci
				    preset: jenkins
				    issuer: https://ci.example.org
				  - name: plain
				    issuer: http://issuer.example.org
				  - name: Upper
				    issuer: https://a.example.org
				    jwks: { url: https://a.example.org/jwks, file: x.json }
				  - name: dup
				    issuer: https://token.actions.githubusercontent.com
				  - name: dup2
				    preset: github-actions
				    attributes: { tenant: owner.name }
				""", """
				grants:
				  - id: a
				    trust: nowhere
				    subject: repo:acme/x
				    audience: https://a.example.org
				    scopes: [read]
				  - id: b
				    subject: repo:acme/x
				    audience: https://a.example.org
				    scopes: [read]
				""");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).extracting(PolicyProblem::toString)
				.anySatisfy((
						p) -> assertThat(p).contains("a-trust.yaml:2:").contains("needs issuer").contains("kubernetes"))
				.anySatisfy((p) -> assertThat(p).contains("a-trust.yaml:5:").contains("unknown preset 'jenkins'"))
				.anySatisfy((p) -> assertThat(p).contains("a-trust.yaml:8:").contains("must be https"))
				.anySatisfy((p) -> assertThat(p).contains("a-trust.yaml:9:").contains("name must be lowercase"))
				.anySatisfy((p) -> assertThat(p).contains("a-trust.yaml:11:").contains("exactly one of url and file"))
				.anySatisfy((p) -> assertThat(p).contains("a-trust.yaml:16:")
					.contains("attribute tenant: must begin with claims or spiffe"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:3:")
					.contains("trust 'nowhere' names no oidc entry"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:8:").contains("an OIDC subject needs trust")));
	}

	@Test
	void loadWhenTwoOidcEntriesClaimOneIssuerThenRefused() throws IOException {
		Path dir = policies("""
				oidc:
				  - name: one
				    issuer: https://token.actions.githubusercontent.com
				  - name: two
				    preset: github-actions
				""", "grants: []\n");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement()
				.asString()
				.contains("a-trust.yaml:4:")
				.contains("issuer https://token.actions.githubusercontent.com is already configured at"));
	}

	@Test
	void loadWhenBundleEndpointAndWorkloadApiThenBuiltWithoutConnecting() throws IOException {
		Path dir = policies("""
				spiffe:
				  - trust_domain: edge.example.org
				    bundle: { endpoint: https://edge.example.org/bundle }
				  - trust_domain: mesh.example.org
				    bundle: { workload_api: unix:///run/spire/agent.sock }
				    attributes: { environment: "spiffe.path[1]" }
				""", "grants: []\n");

		PolicySet set = this.loader.load(dir);

		assertThat(set.trust().sources()).extracting(dev.writ.trust.TrustSource::id)
			.containsExactly("spiffe://edge.example.org", "spiffe://mesh.example.org");
	}

	@Test
	void loadWhenSharedIssuerGrantDoesNotPinTheTenantThenRefusedWithTheHoleExplained() throws IOException {
		Path dir = policies("""
				oidc:
				  - name: github
				    preset: github-actions
				""", """
				grants:
				  - id: deploy
				    trust: github
				    subject: repo:acme/payments:environment:prod
				    audience: https://deploy.example.org
				    scopes: [deploy]
				  - id: deploy-or
				    trust: github
				    subject: repo:acme/payments:environment:prod
				    audience: https://deploy.example.org
				    scopes: [deploy]
				    when: claims.repository_owner_id == '4242' || claims.ref == 'refs/heads/main'
				  - id: deploy-pinned
				    trust: github
				    subject: repo:acme/payments:environment:prod
				    audience: https://deploy.example.org
				    scopes: [deploy]
				    claims: { repository_owner_id: "4242" }
				  - id: deploy-pinned-by-when
				    trust: github
				    subject_pattern: "repo:acme/.*"
				    audience: https://deploy.example.org
				    scopes: [deploy]
				    when: claims.repository_owner_id == '4242' && claims.environment == 'prod'
				""");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).hasSize(2)
				.extracting(PolicyProblem::toString)
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:2:")
					.contains("grant 'deploy' trusts github")
					.contains("without pinning repository_owner_id")
					.contains("any tenant of that issuer"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:12:").contains("grant 'deploy-or'")));
	}

	@Test
	void loadWhenConditionsAndTokenClaimsWrongThenEveryProblemWithItsLine() throws IOException {
		Path dir = policies(TRUST, """
				parameters: [tenant, scope]
				grants:
				  - id: a
				    subject: spiffe://prod.example.org/a
				    audience: https://a.example.org
				    scopes: [read]
				    when: attributes.environment = 'prod'
				    token_claims:
				      sub: "'x'"
				      tenant: request.params.tenant +
				""");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).extracting(PolicyProblem::toString)
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:1:").contains("parameter 'scope'"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:7:").contains("when is not a valid condition"))
				.anySatisfy(
						(p) -> assertThat(p).contains("b-grants.yaml:9:").contains("token claim sub is set by Writ"))
				.anySatisfy((p) -> assertThat(p).contains("b-grants.yaml:10:")
					.contains("token claim tenant is not a valid")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "scp", "scopes", "roles", "groups", "entitlements", "active", "token_type", "username",
			"cnf", "act", "may_act" })
	void loadWhenTokenClaimIsReadAsAuthorityOrStatusThenRefused(String claim) throws IOException {
		Path dir = policies(TRUST, """
				grants:
				  - id: a
				    subject: spiffe://prod.example.org/a
				    audience: https://a.example.org
				    scopes: []
				    token_claims:
				      %s: "'writ:revoke'"
				""".formatted(claim));

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement()
				.asString()
				.contains("b-grants.yaml:7:")
				.contains("token claim " + claim + " is set by Writ and cannot be granted"));
	}

	@Test
	void loadWhenEmptyTenantClaimsOnAPresetsSharedIssuerThenRefused() throws IOException {
		Path dir = policies("""
				oidc:
				  - name: github
				    preset: github-actions
				    tenant_claims: []
				  - name: gitlab-self-hosted
				    preset: gitlab
				    issuer: https://gitlab.example.org
				    tenant_claims: []
				""", "grants: []\n");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement()
				.asString()
				.contains("a-trust.yaml:4:")
				.contains("tenant_claims cannot be empty on https://token.actions.githubusercontent.com")
				.contains("repository_owner_id"));
	}

	@Test
	void loadWhenLifetimeAndAudienceSettingsWrongThenEveryProblem() throws IOException {
		Path dir = policies("""
				spiffe:
				  - trust_domain: prod.example.org
				    bundle: { file: keys/trust/prod.bundle.json }
				    max_token_lifetime: 800h
				    multiple_audiences: maybe
				oidc:
				  - name: ci
				    issuer: https://ci.example.org
				    multiple_audiences: true
				""", "grants: []\n");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).extracting(PolicyProblem::toString)
				.anySatisfy((p) -> assertThat(p).contains("a-trust.yaml:4:").contains("max_token_lifetime"))
				.anySatisfy((p) -> assertThat(p).contains("a-trust.yaml:5:").contains("multiple_audiences"))
				.anySatisfy((p) -> assertThat(p).contains("a-trust.yaml:9:").contains("multiple_audiences")));
	}

	@Test
	void loadWhenABundlePathNamesADeviceThenAProblemNotAnEndlessRead() throws IOException {
		Path dir = policies("""
				spiffe:
				  - trust_domain: prod.example.org
				    bundle: { file: /dev/zero }
				""", "grants: []\n");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement()
				.asString()
				.contains("a-trust.yaml:2:")
				.contains("/dev/zero is not a regular file"));
	}

	@Test
	void loadWhenDirectoryMissingThenRefused() {
		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(this.root.resolve("nope")))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement()
				.satisfies((p) -> assertThat(p.message()).contains("not a directory")));
	}

	@Test
	void loadWhenEmptyDirectoryThenNothingTrustedNothingGranted() throws IOException {
		PolicySet set = this.loader.load(Files.createDirectories(this.root.resolve("empty")));

		assertThat(set.grantCount()).isZero();
		assertThat(set.trust().trusts(TrustDomain.parse("prod.example.org"))).isFalse();
	}

}
