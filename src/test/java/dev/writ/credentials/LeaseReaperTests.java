package dev.writ.credentials;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.policy.ApiKeyRegister;
import dev.writ.policy.CredentialTarget;
import dev.writ.policy.CredentialTemplate;
import dev.writ.policy.Grant;
import dev.writ.policy.PolicySet;
import dev.writ.store.Lease;
import dev.writ.store.memory.MemoryStore;
import dev.writ.testing.MutableClock;
import dev.writ.testing.PostgresServer;
import dev.writ.trust.TrustSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The issuer and the reaper against a real PostgreSQL, on Writ's clock: a lease is
 * recorded before its role is created; a due lease's role is removed and the lease
 * forgotten; a target that fails leaves the lease for the next round; users no lease
 * names are removed after two rounds — never the admin, never a user of another shape.
 */
class LeaseReaperTests {

	static PostgresServer postgres;

	static String adminPassword;

	@TempDir
	static Path secrets;

	final MutableClock clock = new MutableClock(Instant.now());

	final MemoryStore store = new MemoryStore(this.clock, 1000);

	@BeforeAll
	static void start() throws Exception {
		postgres = PostgresServer.start();
		adminPassword = PostgresServer.secret();
		postgres.sql("postgres", "CREATE DATABASE orders");
		// An admin whose name has the target's prefix: the policies refuse that, and
		// the reaper never takes it for a credential whatever they say.
		postgres.sql("orders", "CREATE ROLE writ_admin LOGIN CREATEROLE PASSWORD '" + adminPassword + "'",
				"GRANT pg_signal_backend TO writ_admin", "CREATE ROLE orders_reader NOLOGIN",
				"CREATE ROLE writ_reporting LOGIN PASSWORD '" + PostgresServer.secret() + "'");
		Files.writeString(secrets.resolve("admin"), adminPassword);
	}

	@AfterAll
	static void stop() {
		postgres.close();
	}

	private final CredentialTarget target = PostgresqlBrokerTests.target(Path.of("admin"), postgres.url("orders"));

	private final Grant.Credential credential = new Grant.Credential(this.target,
			new CredentialTemplate.PostgresqlRole(List.of("orders_reader"), 1));

	// A second target on the same server, with the same prefix: roles span its
	// databases.
	private final CredentialTarget sibling = new CredentialTarget("billing-db", CredentialTarget.Kind.POSTGRESQL,
			"postgresql://billing", postgres.url("postgres"), "writ_admin", Path.of("admin"), null, "billing-admin",
			Duration.ofHours(1), "writ_", "test:2");

	private PolicySet policies() {
		return new PolicySet(TrustSet.of(List.of()), Map.of(), java.util.Set.of(), List.of(), "digest", List.of(),
				List.of(), ApiKeyRegister.EMPTY, List.of(this.target, this.sibling));
	}

	private final Brokers brokers = new Brokers(TestBrokers.settings(Duration.ofSeconds(5), secrets, postgres.port()));

	private final LeaseReaper reaper = new LeaseReaper(this.store, this.brokers, this::policies, this.clock);

	private final CredentialIssuer issuer = new CredentialIssuer(this.store, this.brokers, this.reaper, this.clock);

	@Test
	void issueThenLeaseRecordedAndRoleLogsInUntilTheReaperRemovesItAtExpiry() throws Exception {
		IssuedCredential issued = this.issuer.issue(this.credential, "orders", "spiffe://example.org/w",
				this.clock.instant(), Duration.ofMinutes(5));

		Lease lease = this.store.lease(issued.leaseId()).orElseThrow();
		assertThat(lease.username()).isEqualTo(issued.username());
		assertThat(lease.expiresAt()).isEqualTo(issued.expiresAt());
		postgres.connect("orders", issued.username(), issued.password()).close();
		assertThat(issued.toString()).doesNotContain(issued.password());

		assertThat(this.reaper.reap()).isZero(); // not due yet
		this.clock.advance(Duration.ofMinutes(5));
		assertThat(this.reaper.reap()).isEqualTo(1);

		assertThat(this.store.lease(issued.leaseId())).isEmpty();
		assertThat(postgres.roles(issued.username())).isEmpty();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> postgres.connect("orders", issued.username(), issued.password()).close());
	}

	@Test
	void revokeThenRemovedAtOnceAndForgotten() throws Exception {
		IssuedCredential kept = this.issuer.issue(this.credential, "orders", "spiffe://example.org/keep",
				this.clock.instant(), Duration.ofMinutes(5));
		IssuedCredential revoked = this.issuer.issue(this.credential, "orders", "spiffe://example.org/gone",
				this.clock.instant(), Duration.ofMinutes(5));

		assertThat(this.reaper.revoke((lease) -> lease.subject().equals("spiffe://example.org/gone")))
			.containsExactly(revoked.leaseId());

		assertThat(postgres.roles(revoked.username())).isEmpty();
		assertThat(this.store.lease(revoked.leaseId())).isEmpty();
		postgres.connect("orders", kept.username(), kept.password()).close();
	}

	@Test
	void endWhenTargetFailsThenLeaseKeptDueForTheNextRound() throws Exception {
		IssuedCredential issued = this.issuer.issue(this.credential, "orders", "spiffe://example.org/w",
				this.clock.instant(), Duration.ofMinutes(5));
		Files.writeString(secrets.resolve("admin"), "not-the-password");
		try {
			assertThat(this.reaper.revoke((lease) -> lease.id().equals(issued.leaseId())))
				.containsExactly(issued.leaseId());

			assertThat(this.store.lease(issued.leaseId())).hasValueSatisfying((lease) -> {
				assertThat(lease.revoked()).isTrue();
				assertThat(lease.due(this.clock.instant())).isTrue();
			});
		}
		finally {
			Files.writeString(secrets.resolve("admin"), adminPassword);
		}
		assertThat(this.reaper.reap()).isEqualTo(1);
		assertThat(this.store.lease(issued.leaseId())).isEmpty();
		assertThat(postgres.roles(issued.username())).isEmpty();
	}

	@Test
	void sweepThenUnleasedUserOfWritsShapeRemovedAfterTwoRoundsAndNoOtherUserTouched() throws Exception {
		// As a memory store's node finds them after a restart: created, never leased.
		String orphan = Secrets.username("writ_", "orders");
		this.brokers.of(this.target)
			.create(orphan, Secrets.password(), Instant.now().plusSeconds(300), this.credential.template());

		this.reaper.reap();
		assertThat(postgres.roles(orphan)).containsExactly(orphan); // one round: a
																	// suspect
		this.reaper.reap();

		assertThat(postgres.roles(orphan)).isEmpty();
		assertThat(postgres.roles("writ_admin")).containsExactly("writ_admin");
		assertThat(postgres.roles("writ_reporting")).containsExactly("writ_reporting");
		postgres.connect("orders", "writ_admin", adminPassword).close();
	}

	@Test
	void issueWhenTargetDownThenUnavailableAndNoLeaseLeftUndue() throws Exception {
		Files.writeString(secrets.resolve("admin"), "not-the-password");
		try {
			assertThatExceptionOfType(TargetUnavailableException.class)
				.isThrownBy(() -> this.issuer.issue(this.credential, "orders", "spiffe://example.org/w",
						this.clock.instant(), Duration.ofMinutes(5)));
		}
		finally {
			Files.writeString(secrets.resolve("admin"), adminPassword);
		}
		// The lease stays, due at once, until a round removes whatever the target
		// might hold.
		assertThat(this.store.leases()).allSatisfy((lease) -> assertThat(lease.due(this.clock.instant())).isTrue());
		this.reaper.reap();
		assertThat(this.store.leases()).isEmpty();
	}

	@Test
	void sweepWhenTwoTargetsShareAServerThenNeitherRemovesTheOthersLeasedUsers() throws Exception {
		IssuedCredential issued = this.issuer.issue(this.credential, "orders", "spiffe://example.org/w",
				this.clock.instant(), Duration.ofMinutes(5));

		this.reaper.reap();
		this.reaper.reap();
		this.reaper.reap();

		assertThat(postgres.roles(issued.username())).containsExactly(issued.username());
		postgres.connect("orders", issued.username(), issued.password()).close();
	}

	@Test
	void issueWhenAGrantedRoleHoldsAnAttributeThenRefusedAndNothingCreated() throws Exception {
		postgres.sql("orders", "CREATE ROLE orders_owner NOLOGIN CREATEDB", "GRANT orders_owner TO orders_reader");
		try {
			List<String> before = postgres.roles("writ_");
			assertThatExceptionOfType(TargetUnavailableException.class)
				.isThrownBy(() -> this.issuer.issue(this.credential, "orders", "spiffe://example.org/w",
						this.clock.instant(), Duration.ofMinutes(5)))
				.withMessageContaining("role orders_owner is one a credential may not have");
			assertThat(postgres.roles("writ_")).isEqualTo(before);
		}
		finally {
			postgres.sql("orders", "REVOKE orders_owner FROM orders_reader", "DROP ROLE orders_owner");
		}
	}

	@Test
	void issueWhenAGrantedRoleIsAMemberOfAPredefinedRoleThenRefused() throws Exception {
		postgres.sql("orders", "GRANT pg_read_server_files TO orders_reader");
		try {
			assertThatExceptionOfType(TargetUnavailableException.class)
				.isThrownBy(() -> this.issuer.issue(this.credential, "orders", "spiffe://example.org/w",
						this.clock.instant(), Duration.ofMinutes(5)))
				.withMessageContaining("role pg_read_server_files is one a credential may not have")
				.satisfies((ex) -> assertThat(ex.unreachable()).isFalse());
			// A refusal of one grant leaves the target open to the others.
			this.issuer.checkReachable(this.target);
		}
		finally {
			postgres.sql("orders", "REVOKE pg_read_server_files FROM orders_reader");
		}
	}

	@Test
	void reapWhenALeaseNamesAUserWritDidNotMakeThenTheUserStaysAndSoDoesTheLease() throws Exception {
		// Leases that Writ never wrote (a store written by hand): an admin, a user of
		// another shape, and a role of Writ's shape without Writ's mark.
		postgres.sql("orders", "CREATE ROLE writ_orders_abcdefghij LOGIN PASSWORD '" + PostgresServer.secret() + "'");
		try {
			for (String username : List.of("writ_admin", "writ_reporting", "writ_orders_abcdefghij")) {
				this.store.recordLease(new Lease("forged-" + username, "orders-db", username, "orders",
						"spiffe://example.org/w", this.clock.instant(), this.clock.instant(), true));
			}

			assertThat(this.reaper.reap()).isZero();
			assertThat(this.reaper.revoke((lease) -> true)).hasSize(3);

			assertThat(postgres.roles("writ_")).contains("writ_admin", "writ_reporting", "writ_orders_abcdefghij");
			assertThat(this.store.leases()).hasSize(3);
			postgres.connect("orders", "writ_admin", adminPassword).close();
		}
		finally {
			postgres.sql("orders", "DROP ROLE writ_orders_abcdefghij");
		}
	}

	@Test
	void issueWhenTheHostIsNotAllowedThenRefusedBeforeAnyLease() {
		Brokers elsewhere = new Brokers(TestBrokers.settings(Duration.ofSeconds(5), secrets, 1));
		CredentialIssuer refusing = new CredentialIssuer(this.store, elsewhere,
				new LeaseReaper(this.store, elsewhere, this::policies, this.clock), this.clock);

		assertThatExceptionOfType(TargetUnavailableException.class)
			.isThrownBy(() -> refusing.issue(this.credential, "orders", "spiffe://example.org/w", this.clock.instant(),
					Duration.ofMinutes(5)))
			.withMessageContaining("not in writ.credentials.allowed-hosts");
		assertThat(this.store.leases()).isEmpty();
	}

}
