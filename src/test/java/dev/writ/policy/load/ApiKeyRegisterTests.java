package dev.writ.policy.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.policy.ApiKeyEntry;
import dev.writ.policy.ApiKeyRegister;
import dev.writ.policy.PolicyException;
import dev.writ.policy.PolicyProblem;
import dev.writ.testing.TestTrust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The register of API keys that remain: decoded strictly, and each entry's state on a
 * day.
 */
public class ApiKeyRegisterTests {

	static final LocalDate TODAY = LocalDate.parse("2026-12-04");

	/**
	 * One entry of every state on {@link #TODAY}; checkout's federates with a Writ grant.
	 */
	public static final String REGISTER = """
			owners: [payments-team, platform-team]
			api_keys:
			  - id: crm-ok
			    system: https://crm.vendor.example
			    holder: spiffe://demo.writ.local/ns/demo/sa/orders
			    owner: payments-team
			    justification: the vendor takes API keys only
			    kind: permanent
			    review_every: 90d
			    reviewed: 2026-11-20
			    stored_in: vault:secret/data/orders/crm
			    migration_trigger: the vendor ships OIDC federation
			  - id: ledger-review-due
			    system: https://ledger.example.org
			    holder: spiffe://demo.writ.local/ns/demo/sa/orders
			    owner: payments-team
			    justification: the ledger's new API is not out
			    kind: transitional
			    expires: 2026-12-20
			    stored_in: vault:secret/data/orders/ledger
			    migration_trigger: ledger v2
			  - id: mail-rotation-due
			    system: https://mail.vendor.example
			    holder: spiffe://demo.writ.local/ns/demo/sa/notifier
			    owner: platform-team
			    justification: SMTP relay credentials
			    kind: permanent
			    review_every: 26w
			    reviewed: 2026-10-01
			    rotate_every: 30d
			    rotated: 2026-10-15
			    stored_in: aws-secretsmanager:prod/mail-relay
			    migration_trigger: the relay accepts mTLS
			  - id: search-expired
			    system: https://search.vendor.example
			    holder: spiffe://demo.writ.local/ns/demo/sa/catalog
			    owner: platform-team
			    justification: migration slipped
			    kind: transitional
			    expires: 2026-11-30
			    stored_in: vault:secret/data/catalog/search
			    migration_trigger: search vendor's workload federation
			  - id: legacy-owner-unknown
			    system: https://legacy.example.org
			    holder: spiffe://demo.writ.local/ns/demo/sa/batch
			    owner: data-team
			    justification: nobody has looked at it
			    kind: permanent
			    review_every: 52w
			    reviewed: 2026-06-01
			    stored_in: vault:secret/data/batch/legacy
			    migration_trigger: unknown
			  - id: payments-ready-to-retire
			    system: https://payments.demo.writ.local
			    holder: spiffe://demo.writ.local/ns/demo/sa/checkout
			    owner: payments-team
			    justification: payments accepts Writ tokens beside the key for one release
			    kind: transitional
			    expires: 2027-03-31
			    stored_in: vault:secret/data/checkout/payments
			    migration_trigger: checkout exchanges at Writ
			    federates_to: https://payments.demo.writ.local
			""";

	@TempDir
	Path root;

	private PolicyLoader loader;

	@BeforeEach
	void loader() {
		this.loader = new PolicyLoader(TestTrust.factory(Clock.systemUTC()), this.root.resolve("keys"),
				Duration.ofMinutes(5), Duration.ofHours(1));
	}

	private Path policies(String register) throws IOException {
		Path dir = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(dir.resolve("register.yaml"), register);
		return dir;
	}

	@Test
	void registerWithOneEntryOfEachStateThenExactlyThoseStates() throws IOException {
		ApiKeyRegister register = this.loader.load(policies(REGISTER)).register();

		Map<String, String> states = register
			.assess(TODAY,
					(holder, audience) -> holder.equals("spiffe://demo.writ.local/ns/demo/sa/checkout")
							&& audience.equals("https://payments.demo.writ.local"))
			.stream()
			.collect(Collectors.toMap((a) -> a.entry().id(), (a) -> a.state().label()));

		assertThat(states).containsExactlyInAnyOrderEntriesOf(Map.of("crm-ok", "ok", "ledger-review-due", "review-due",
				"mail-rotation-due", "rotation-due", "search-expired", "expired", "legacy-owner-unknown",
				"owner-unknown", "payments-ready-to-retire", "ready-to-retire"));
		assertThat(register.entries().get(0).where()).endsWith("register.yaml:3");
	}

	@Test
	void federatingEntryWithoutEvidenceOfUseThenNotReadyToRetire() throws IOException {
		ApiKeyRegister register = this.loader.load(policies(REGISTER)).register();
		assertThat(register.assess(TODAY, (holder, audience) -> false)
			.stream()
			.filter((a) -> a.entry().id().equals("payments-ready-to-retire"))
			.map(ApiKeyRegister.Assessment::state)
			.toList()).containsExactly(ApiKeyEntry.State.OK);
	}

	@Test
	void secretShapedValuesThenRefusedWithFileAndLineAndNeverEchoed() throws IOException {
		String awsKey = "AKIA" + "IOSFODNN7EXAMPL3";
		String random = "q7Zp3Xv9Lm2Rt8Wn4Yb6Kd1Hs5Gf0JcE";
		PolicyException refused = catchThrowableOfType(PolicyException.class, () -> this.loader.load(policies("""
				owners: [payments-team]
				api_keys:
				  - id: pasted-key
				    system: https://crm.vendor.example
				    holder: spiffe://demo.writ.local/ns/demo/sa/orders
				    owner: payments-team
				    justification: vendor
				    kind: permanent
				    review_every: 90d
				    reviewed: 2026-11-20
				    stored_in: %s
				    migration_trigger: %s
				""".formatted(awsKey, "rotate " + random))));
		List<PolicyProblem> problems = refused.problems();
		assertThat(problems).hasSize(2);
		assertThat(problems.get(0).line()).isEqualTo(11);
		assertThat(problems.get(0).message()).contains("'stored_in' holds what looks like a credential");
		assertThat(problems.get(1).line()).isEqualTo(12);
		assertThat(problems.get(1).message()).contains("looks like a random string of 32 characters");
		assertThat(refused.getMessage()).doesNotContain(awsKey).doesNotContain(random);
	}

	@Test
	void referencesThatAreNotSecretsThenAccepted() throws IOException {
		String register = REGISTER.replace("vault:secret/data/orders/crm",
				"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders/crm-AbC123");
		assertThat(this.loader.load(policies(register)).register().entries()).hasSize(6);
	}

	@Test
	void entriesMissingFieldsWithWrongKindsOrDatesThenEveryProblemWithItsLine() throws IOException {
		PolicyException refused = catchThrowableOfType(PolicyException.class, () -> this.loader.load(policies("""
				owners: [payments-team, payments-team]
				api_keys:
				  - id: a
				    system: s
				    holder: spiffe://demo.writ.local//double
				    owner: payments-team
				    justification: j
				    kind: transitional
				    review_every: 3 months
				    stored_in: vault:x
				    migration_trigger: t
				  - id: a
				    system: s
				    holder: h
				    owner: payments-team
				    justification: j
				    kind: forever
				    expires: next year
				    rotate_every: 30d
				    stored_in: vault:y
				    migration_trigger: t
				""")));
		assertThat(refused.problems()).extracting(PolicyProblem::message)
			.anySatisfy((m) -> assertThat(m).contains("owner 'payments-team' is declared twice"))
			.anySatisfy((m) -> assertThat(m).contains("holder is not a SPIFFE ID"))
			.anySatisfy((m) -> assertThat(m).contains("a transitional key needs 'expires'"))
			.anySatisfy((m) -> assertThat(m).contains("a transitional key has no 'review_every'"))
			.anySatisfy((m) -> assertThat(m).contains("review_every must be days or weeks"))
			.anySatisfy((m) -> assertThat(m).contains("api_keys id 'a' is declared twice"))
			.anySatisfy((m) -> assertThat(m).contains("kind is transitional or permanent"))
			.anySatisfy((m) -> assertThat(m).contains("expires must be a date, such as 2026-12-31"))
			.anySatisfy((m) -> assertThat(m).contains("rotate_every and rotated go together"));
		assertThat(refused.problems()).allSatisfy((p) -> assertThat(p.line()).isPositive());
	}

	@Test
	void secretManagerReferencesAndAUuidHolderThenAccepted() throws IOException {
		for (String reference : new String[] { "projects/my-project-123456/secrets/stripe-key/versions/latest",
				"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/payments/stripe-AbC1eF",
				"vault:kv/prod/payments-2024/stripe-api-key-v2", "op://Private/abcdefghijklmnopqrstuvwx12/password",
				"https://myvault.vault.azure.net/secrets/stripe/4387e9f3d6e14c459867679a90fd0f79" }) {
			String register = REGISTER.replace("vault:secret/data/orders/crm", reference)
				.replace("spiffe://demo.writ.local/ns/demo/sa/batch", "f47ac10b-58cc-4372-a567-0e02b2c3d479");
			assertThat(this.loader.load(policies(register)).register().entries()).as(reference).hasSize(6);
		}
	}

	@Test
	void moreSecretShapesControlCharactersAndFarDatesThenRefusedWithoutTheValue() throws IOException {
		String hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
		for (String[] line : new String[][] { { "stored_in: vault:x", "stored_in: " + hex },
				{ "stored_in: vault:x", "stored_in: \"redis://:hunter2pw@cache:6379\"" },
				{ "stored_in: vault:x", "stored_in: \"password=hunter2hunter2\"" },
				{ "stored_in: vault:x", "stored_in: SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwx" },
				{ "owners: [payments-team]", "owners: [" + hex + "]" }, { "system: s", "system: \"s\\u001b[31m\"" },
				{ "reviewed: 2026-11-20", "reviewed: 9999-12-31" } }) {
			String register = """
					owners: [payments-team]
					api_keys:
					  - id: k
					    system: s
					    holder: spiffe://demo.writ.local/ns/demo/sa/orders
					    owner: payments-team
					    justification: j
					    kind: permanent
					    review_every: 90d
					    reviewed: 2026-11-20
					    stored_in: vault:x
					    migration_trigger: t
					""".replace(line[0], line[1]);
			PolicyException refused = catchThrowableOfType(PolicyException.class,
					() -> this.loader.load(policies(register)));
			assertThat(refused).as(line[1]).isNotNull();
			assertThat(refused.getMessage()).as(line[1])
				.doesNotContain(hex)
				.doesNotContain("hunter2")
				.doesNotContain("SG.abc")
				.doesNotContain("9999");
		}
	}

}
