package dev.writ.policy.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.policy.CredentialTarget;
import dev.writ.policy.CredentialTemplate;
import dev.writ.policy.Grant;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicyProblem;
import dev.writ.policy.PolicySet;
import dev.writ.testing.TestAuthority;
import dev.writ.testing.TestTrust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code targets:} of policy files and the grants that issue credentials for them: a
 * sound set loads whole; every problem is listed with its file and line, and nothing
 * loads while one is left.
 */
class CredentialPolicyTests {

	private static final String TRUST = """
			spiffe:
			  - trust_domain: prod.example.org
			    bundle: { file: keys/trust/prod.bundle.json }
			owners: [platform]
			api_keys:
			  - id: orders-db-admin
			    system: postgresql://orders-db
			    holder: writ
			    owner: platform
			    justification: Writ's own
			    kind: permanent
			    review_every: 12w
			    reviewed: 2099-01-01
			    stored_in: file:secrets/orders-db-admin
			    migration_trigger: none
			  - id: cache-admin
			    system: redis://cache
			    holder: writ
			    owner: platform
			    justification: Writ's own
			    kind: transitional
			    expires: 2099-01-01
			    stored_in: file:secrets/cache-admin
			    migration_trigger: none
			""";

	private static final String TARGETS = """
			targets:
			  - id: orders-db
			    kind: postgresql
			    audience: postgresql://orders-db
			    max_ttl: 10m
			    admin:
			      url: jdbc:postgresql://db.internal:5432/orders?sslmode=verify-full
			      username: broker
			      password_env: TARGET_ORDERS_DB_ADMIN_PASSWORD
			      register: orders-db-admin
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

	private Path policies(String targets, String grants) throws IOException {
		Path dir = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(dir.resolve("a-trust.yaml"), TRUST);
		Files.writeString(dir.resolve("b-targets.yaml"), targets);
		Files.writeString(dir.resolve("c-grants.yaml"), grants);
		return dir;
	}

	@Test
	void loadWhenSoundThenTargetsAndCredentialGrants() throws IOException {
		PolicySet set = this.loader.load(policies(TARGETS, """
				grants:
				  - id: checkout-orders
				    subject: spiffe://prod.example.org/ns/prod/sa/checkout
				    audience: postgresql://orders-db
				    ttl: 15m
				    credential: { roles: [orders_reader, orders_writer], connection_limit: 3 }
				"""));

		assertThat(set.targets()).singleElement().satisfies((target) -> {
			assertThat(target.kind()).isEqualTo(CredentialTarget.Kind.POSTGRESQL);
			assertThat(target.maxTtl()).isEqualTo(Duration.ofMinutes(10));
			assertThat(target.adminPasswordEnvironment()).isEqualTo("TARGET_ORDERS_DB_ADMIN_PASSWORD");
			assertThat(target.usernamePrefix()).isEqualTo("writ_");
			assertThat(target.source()).endsWith("b-targets.yaml:2");
		});
		Grant grant = set.grants().get(0);
		assertThat(grant.scopes()).isEmpty();
		assertThat(grant.credential()).hasValueSatisfying((credential) -> assertThat(credential.template())
			.isEqualTo(new CredentialTemplate.PostgresqlRole(java.util.List.of("orders_reader", "orders_writer"), 3)));
	}

	@Test
	void loadWhenTargetsAreWrongThenEveryProblemWithItsLine() throws IOException {
		Path dir = policies(
				"""
						targets:
						  - id: Orders DB
						    kind: mysql
						    audience: postgresql://orders-db
						    admin: { url: "jdbc:postgresql://db/orders?password=hunter2", username: broker, password_env: X, register: orders-db-admin }
						  - id: cache
						    kind: redis
						    audience: redis://cache
						    max_ttl: 25h
						    admin: { url: "redis://admin:pw@cache:6379", username: writ_admin, password_file: a, password_env: B, register: cache-admin }
						  - id: payroll-db
						    kind: postgresql
						    audience: postgresql://payroll
						    admin: { url: "jdbc:postgresql://127.0.0.1/payroll", username: broker, password_file: secrets/p, register: nowhere }
						""",
				"grants: []\n");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).extracting(PolicyProblem::toString)
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:2:").contains("a target's id must be"))
				.anySatisfy(
						(p) -> assertThat(p).contains("b-targets.yaml:3:").contains("kind must be postgresql or redis"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:9:").contains("at most 24h"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:10:")
					.contains("exactly one of password_file and password_env"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:10:").contains("url must be redis://"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:10:")
					.contains("reserved for the credentials Writ creates"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:14:").contains("no entry has the id nowhere"))
				.noneSatisfy((p) -> assertThat(p).contains("hunter2")));
	}

	@Test
	void loadWhenAdminUrlCarriesACredentialOrItsRegisterEntryIsNotPermanentThenRefused() throws IOException {
		Path dir = policies(
				"""
						targets:
						  - id: orders-db
						    kind: postgresql
						    audience: postgresql://orders-db
						    admin: { url: "jdbc:postgresql://db:5432/orders?user=x&password=y", username: broker, password_env: TARGET_P, register: orders-db-admin }
						  - id: cache
						    kind: redis
						    audience: redis://cache
						    admin: { url: "redis://127.0.0.1:6379", username: broker, password_env: TARGET_P, register: cache-admin }
						""",
				"grants: []\n");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).extracting(PolicyProblem::toString)
				.satisfiesExactlyInAnyOrder(
						(p) -> assertThat(p).contains("b-targets.yaml:5:")
							.contains("url may carry sslmode, sslrootcert"),
						(p) -> assertThat(p).contains("b-targets.yaml:9:").contains("must be of kind permanent")));
	}

	@Test
	void loadWhenCredentialGrantsAreWrongThenEveryProblemWithItsLine() throws IOException {
		Path dir = policies(
				TARGETS + """
						  - id: cache
						    kind: redis
						    audience: redis://cache
						    admin: { url: "rediss://cache:6379", username: broker, password_env: TARGET_P, register: orders-db-admin }
						""",
				"""
						grants:
						  - id: scoped
						    subject: spiffe://prod.example.org/ns/prod/sa/a
						    audience: postgresql://orders-db
						    scopes: [read]
						    credential: { roles: [orders_reader] }
						  - id: nowhere
						    subject: spiffe://prod.example.org/ns/prod/sa/a
						    audience: postgresql://elsewhere
						    credential: { roles: [orders_reader] }
						  - id: injected
						    subject: spiffe://prod.example.org/ns/prod/sa/a
						    audience: postgresql://orders-db
						    credential: { roles: ['orders"; DROP ROLE admin; --'], connection_limit: 0 }
						  - id: escalates
						    subject: spiffe://prod.example.org/ns/prod/sa/a
						    audience: redis://cache
						    credential: { commands: [+get, +acl|setuser], keys: [orders:*] }
						  - id: all
						    subject: spiffe://prod.example.org/ns/prod/sa/a
						    audience: redis://cache
						    credential: { commands: ["+@all"] }
						  - id: smuggled
						    subject: spiffe://prod.example.org/ns/prod/sa/a
						    audience: redis://cache
						    credential: { commands: [+get], keys: ["orders:* allkeys"] }
						  - id: rules
						    subject: spiffe://prod.example.org/ns/prod/sa/a
						    audience: redis://cache
						    credential: { commands: [nopass, allcommands] }
						""");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).extracting(PolicyProblem::toString)
				.anySatisfy((p) -> assertThat(p).contains("c-grants.yaml:5:").contains("has no scopes"))
				.anySatisfy((p) -> assertThat(p).contains("c-grants.yaml:10:")
					.contains("no target has the audience postgresql://elsewhere"))
				.anySatisfy(
						(p) -> assertThat(p).contains("c-grants.yaml:14:").contains("lowercase PostgreSQL identifier"))
				.anySatisfy((p) -> assertThat(p).contains("c-grants.yaml:18:")
					.contains("+acl|setuser would let the credential administer Redis"))
				.anySatisfy((p) -> assertThat(p).contains("c-grants.yaml:22:").contains("+@all would let"))
				.anySatisfy((p) -> assertThat(p).contains("c-grants.yaml:26:")
					.contains("a key pattern must be printable ASCII without spaces"))
				.anySatisfy((p) -> assertThat(p).contains("c-grants.yaml:30:").contains("a command rule is + or -")));
	}

	@Test
	void loadWhenAPolicyFileWouldSendAnotherSecretOfWritsOrReachAnUnverifiedHostThenRefused() throws IOException {
		Path dir = policies(
				"""
						targets:
						  - id: a
						    kind: redis
						    audience: redis://a
						    admin: { url: "rediss://a:6380", username: broker, password_file: /etc/writ/keys/signing.pem, register: cache-admin }
						  - id: b
						    kind: redis
						    audience: redis://b
						    admin: { url: "rediss://b:6380", username: broker, password_file: ../keys/signing.pem, register: cache-admin }
						  - id: c
						    kind: redis
						    audience: redis://c
						    admin: { url: "rediss://c:6380", username: broker, password_env: SPRING_DATA_REDIS_PASSWORD, register: cache-admin }
						  - id: d
						    kind: redis
						    audience: redis://d
						    admin: { url: "redis://d.internal:6379", username: broker, password_env: TARGET_D, register: cache-admin }
						  - id: e
						    kind: postgresql
						    audience: postgresql://e
						    admin: { url: "jdbc:postgresql://e.internal/e", username: broker, password_env: TARGET_E, register: orders-db-admin }
						  - id: f
						    kind: postgresql
						    audience: postgresql://f
						    admin: { url: "jdbc:postgresql://127.0.0.1/f?loggerLevel=TRACE&loggerFile=/tmp/x", username: broker, password_env: TARGET_F, register: orders-db-admin }
						  - id: g
						    kind: postgresql
						    audience: postgresql://g
						    admin: { url: "jdbc:postgresql://127.0.0.1/g?socketTimeout=0", username: broker, password_env: TARGET_G, register: orders-db-admin }
						  - id: h
						    kind: postgresql
						    audience: postgresql://h
						    admin: { url: "jdbc:postgresql://h.internal/h?sslmode=require", username: broker, password_env: TARGET_H, register: orders-db-admin }
						""",
				"grants: []\n");

		assertThatExceptionOfType(PolicyException.class).isThrownBy(() -> this.loader.load(dir))
			.satisfies((ex) -> assertThat(ex.problems()).extracting(PolicyProblem::toString)
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:5:")
					.contains("password_file must be a relative path"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:9:")
					.contains("password_file must be a relative path"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:13:").contains("beginning with TARGET_"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:17:").contains("must be rediss://"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:21:").contains("sslmode=verify-full"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:25:").contains("url may carry sslmode"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:29:").contains("url may carry sslmode"))
				.anySatisfy((p) -> assertThat(p).contains("b-targets.yaml:33:").contains("sslmode=verify-full"))
				.hasSize(8));
	}

}
