package dev.writ.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.policy.load.ApiKeyRegisterTests;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code writ governance report}: the register and the grants, with an audit file's
 * evidence.
 */
class GovernanceCommandsTests {

	static final Clock TODAY = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);

	@TempDir
	Path root;

	// Shared with GovernanceHtmlChromiumTests: the site and audit file below.

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(String... args) {
		return new WritCli(new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8), TODAY, Map.of())
			.run(args);
	}

	Path site() throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("register.yaml"), ApiKeyRegisterTests.REGISTER);
		Files.writeString(policies.resolve("grants.yaml"), """
				spiffe:
				  - trust_domain: demo.writ.local
				    demo: true
				grants:
				  - id: checkout-pays
				    subject: spiffe://demo.writ.local/ns/demo/sa/checkout
				    audience: https://payments.demo.writ.local
				    scopes: [payments:charge]
				  - id: never-used
				    subject: spiffe://demo.writ.local/ns/demo/sa/batch
				    audience: https://ledger.demo.writ.local
				    scopes: []
				""");
		return policies;
	}

	Path audit() throws IOException {
		return Files.writeString(this.root.resolve("audit.log"), String.join("\n",
				"{\"time\":\"2026-12-03T10:00:00Z\",\"event\":\"token_exchange\",\"outcome\":\"granted\","
						+ "\"subject\":\"spiffe://demo.writ.local/ns/demo/sa/checkout\","
						+ "\"audience\":\"https://payments.demo.writ.local\",\"grant\":\"checkout-pays\"}",
				"2026-12-03T10:00:01.000Z  INFO 1 --- [writ] [main] writ.audit : {\"time\":\"2026-12-03T10:00:01Z\","
						+ "\"event\":\"token_exchange\",\"outcome\":\"denied\",\"subject\":\"spiffe://demo.writ.local/ns/demo/sa/batch\","
						+ "\"audience\":\"https://ledger.demo.writ.local\",\"grant\":\"never-used\"}",
				"{\"@timestamp\":\"2026-12-03T11:00:00Z\",\"message\":\"token_exchange\",\"time\":\"2026-12-03T11:00:00Z\","
						+ "\"outcome\":\"granted\",\"subject\":\"spiffe://demo.writ.local/ns/demo/sa/orders\","
						+ "\"audience\":\"https://payments.demo.writ.local\",\"grant\":\"checkout-pays\"}",
				// Older than the 30 days' window: counted as a use, not in the window's
				// exchanges, and never the last use.
				"{\"time\":\"2026-10-20T09:00:00Z\",\"event\":\"token_exchange\",\"outcome\":\"granted\","
						+ "\"subject\":\"spiffe://demo.writ.local/ns/demo/sa/checkout\","
						+ "\"audience\":\"https://payments.demo.writ.local\",\"grant\":\"checkout-pays\"}",
				"not an event", ""));
	}

	@Test
	@SuppressWarnings("unchecked")
	void reportWithAnAuditFileThenTheFederatingKeyReadyToRetireAndTheUnusedGrantNamed() throws Exception {
		assertThat(run("governance", "report", site().toString(), "--audit", audit().toString(), "--format", "json"))
			.as(this.err.toString(StandardCharsets.UTF_8))
			.isZero();
		Map<String, Object> report = JSONObjectUtils.parse(this.out.toString(StandardCharsets.UTF_8));
		Map<String, String> states = new TreeMap<>();
		for (Object key : (List<Object>) report.get("api_keys")) {
			states.put((String) ((Map<String, Object>) key).get("id"),
					(String) ((Map<String, Object>) key).get("state"));
		}
		assertThat(states).containsEntry("payments-ready-to-retire", "ready-to-retire")
			.containsEntry("search-expired", "expired")
			.containsEntry("legacy-owner-unknown", "owner-unknown")
			.containsEntry("crm-ok", "ok");
		Map<String, Object> summary = (Map<String, Object>) report.get("summary");
		assertThat((List<String>) summary.get("grants_without_use")).containsExactly("never-used");
		assertThat((List<String>) summary.get("grants_unused_30_days")).containsExactly("never-used");
		assertThat((List<String>) summary.get("ready_to_retire")).containsExactly("payments-ready-to-retire");
		assertThat((String) report.get("evidence")).contains("3 granted exchange(s), 1 line(s) skipped");
		assertThat((List<Object>) report.get("grants")).first()
			.isEqualTo(Map.of("id", "checkout-pays", "audience", "https://payments.demo.writ.local", "last_used",
					"2026-12-03T11:00:00Z", "exchanges_30_days", 2L));
		assertThat((List<Object>) report.get("subjects")).containsExactly(
				Map.of("subject", "spiffe://demo.writ.local/ns/demo/sa/checkout", "last_used", "2026-12-03T10:00:00Z",
						"exchanges_30_days", 1L),
				Map.of("subject", "spiffe://demo.writ.local/ns/demo/sa/orders", "last_used", "2026-12-03T11:00:00Z",
						"exchanges_30_days", 1L));
		assertThat(summary).containsEntry("subjects_on_record", 2L).containsEntry("evidence_not_kept", 0L);
	}

	@Test
	void reportInMarkdownThenSummaryAndTables() throws Exception {
		assertThat(run("governance", "report", site().toString(), "--audit", audit().toString())).isZero();
		String md = this.out.toString(StandardCharsets.UTF_8);
		assertThat(md).startsWith("# Governance report, 2026-12-04")
			.contains("**2 federated grant(s), 6 API key(s) remaining: 25% federated.**")
			.contains("| ready-to-retire | 1 |")
			.contains("Ready to retire: payments-ready-to-retire")
			.contains("Grants with no use on record: never-used")
			.contains("| search-expired | expired | transitional | platform-team | 2026-11-30 |")
			.contains("| checkout-pays | https://payments.demo.writ.local | 2026-12-03T11:00:00Z | 2 |")
			.contains("| spiffe://demo.writ.local/ns/demo/sa/checkout | 2026-12-03T10:00:00Z | 1 |");
	}

	@Test
	void reportWithoutEvidenceThenNothingReadyToRetireAndSaysWhy() throws Exception {
		assertThat(run("governance", "report", site().toString(), "--format", "json")).isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("\"evidence\":\"none: no --audit file\"")
			.contains("\"ready_to_retire\":[]");
	}

	@Test
	void valuesThatMarkdownWouldReadAsMarkupThenEscaped() {
		assertThat(GovernanceMarkdown.cell("<script>x</script> [a](javascript:alert(1)) `c` a|b \\"))
			.isEqualTo("&lt;script&gt;x&lt;/script&gt; \\[a\\](javascript:alert(1)) \\`c\\` a\\|b \\\\");
		assertThat(GovernanceHtml.escape("<img src=x onerror=alert(1)> \"'&"))
			.isEqualTo("&lt;img src=x onerror=alert(1)&gt; &quot;&#39;&amp;");
	}

	@Test
	@SuppressWarnings("unchecked")
	void reportWhenTargetsThenTheirCredentialsAndTheKeysTheyCanReplaceInEveryFormat() throws Exception {
		String example = Path.of("docs/examples/credentials").toString();
		String keys = this.root.resolve("keys").toString();

		assertThat(run("governance", "report", example, "--keys", keys, "--format", "json")).isZero();
		Map<String, Object> credentials = (Map<String, Object>) JSONObjectUtils
			.parse(this.out.toString(StandardCharsets.UTF_8))
			.get("credentials");
		assertThat((List<Map<String, Object>>) credentials.get("targets")).extracting((t) -> t.get("id"))
			.containsExactly("orders-db", "sessions");
		assertThat((List<Map<String, Object>>) credentials.get("targets"))
			.allSatisfy((t) -> assertThat(t).containsEntry("active_leases", null));
		assertThat((List<String>) credentials.get("replaceable_by_credentials"))
			.containsExactly("checkout-orders-password");

		this.out.reset();
		assertThat(run("governance", "report", example, "--keys", keys, "--format", "md")).isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("## Just-in-time credentials")
			.contains("| orders-db | postgresql | orders-db-jit-admin | 0 |")
			.contains("Replaceable: checkout-orders-password");

		this.out.reset();
		assertThat(run("governance", "report", example, "--keys", keys, "--format", "html")).isZero();
		assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("<tr data-target=\"sessions\">");
	}

}
