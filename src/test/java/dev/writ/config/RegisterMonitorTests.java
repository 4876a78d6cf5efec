package dev.writ.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.audit.AuditEvent;
import dev.writ.audit.Outcome;
import dev.writ.audit.TokenExchangeEvent;
import dev.writ.policy.ApiKeyRegister;
import dev.writ.policy.PolicyStore;
import dev.writ.policy.UsageLedger;
import dev.writ.policy.load.ApiKeyRegisterTests;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.testing.TestTrust;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The register on a running node: states from today's date and this node's evidence of
 * use, as metrics; the federating entry turns ready-to-retire once its holder has been
 * granted a Writ token for its audience.
 */
class RegisterMonitorTests {

	static final Clock TODAY = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);

	static final String CHECKOUT = "spiffe://demo.writ.local/ns/demo/sa/checkout";

	@TempDir
	Path root;

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	final List<AuditEvent> passedOn = new ArrayList<>();

	PolicyStore store;

	UsageLedger usage;

	MeteringAuditSink audit;

	@BeforeEach
	void node() throws IOException {
		Path dir = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(dir.resolve("register.yaml"), ApiKeyRegisterTests.REGISTER);
		PolicyLoader loader = new PolicyLoader(TestTrust.factory(Clock.systemUTC()), this.root.resolve("keys"),
				Duration.ofMinutes(5), Duration.ofHours(1));
		this.store = new PolicyStore(() -> loader.load(dir), dir);
		// As WritConfiguration wires it: only the pairs the register asks about are kept.
		this.usage = new UsageLedger(
				(subject, audience) -> this.store.current().register().federatesTo(subject, audience), (grant) -> true);
		this.audit = new MeteringAuditSink(this.passedOn::add, this.meters, this.usage);
	}

	private PolicyStore policies() {
		return this.store;
	}

	private Map<String, String> states(RegisterMonitor monitor) {
		return monitor.assessments()
			.stream()
			.collect(Collectors.toMap((a) -> a.entry().id(), (a) -> a.state().label()));
	}

	private double exceptions(String state, String kind) {
		return this.meters.get("writ.api_key_exceptions").tag("state", state).tag("kind", kind).gauge().value();
	}

	@Test
	@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
	void stateChangesThenOneLogLinePerEntryNotOkAtStartAndOnePerChange(
			org.springframework.boot.test.system.CapturedOutput output) throws IOException {
		try (RegisterMonitor monitor = new RegisterMonitor(policies(), this.usage, TODAY, this.meters,
				Duration.ofHours(1))) {
			assertThat(output.getAll()).contains("API key search-expired (https://search.vendor.example")
				.contains("is expired")
				.doesNotContain("API key crm-ok");
			monitor.check();
			assertThat(output.getAll().split("API key search-expired", -1)).as("said once, not every round").hasSize(2);
			this.audit.record(granted(CHECKOUT, "https://payments.demo.writ.local"));
			monitor.check();
			assertThat(output.getAll()).contains("API key payments-ready-to-retire")
				.contains("is now ready-to-retire (was ok)");
		}
	}

	@Test
	void holderGrantedItsFederatesToAudienceThenReadyToRetireInStateAndMetrics() throws IOException {
		try (RegisterMonitor monitor = new RegisterMonitor(policies(), this.usage, TODAY, this.meters,
				Duration.ofHours(1))) {
			assertThat(states(monitor)).containsEntry("payments-ready-to-retire", "ok")
				.containsEntry("search-expired", "expired")
				.containsEntry("legacy-owner-unknown", "owner-unknown");
			assertThat(exceptions("expired", "transitional")).isEqualTo(1);
			assertThat(exceptions("owner-unknown", "permanent")).isEqualTo(1);
			assertThat(exceptions("ok", "transitional")).isEqualTo(1);
			assertThat(this.meters.get("writ.api_key_days_to_due").tag("id", "search-expired").gauge().value())
				.isEqualTo(-4);

			// Another audience, or another subject: no evidence.
			this.audit.record(granted(CHECKOUT, "https://shipping.demo.writ.local"));
			this.audit
				.record(granted("spiffe://demo.writ.local/ns/demo/sa/orders", "https://payments.demo.writ.local"));
			monitor.check();
			assertThat(states(monitor)).containsEntry("payments-ready-to-retire", "ok");

			assertThat(
					this.usage.used("spiffe://demo.writ.local/ns/demo/sa/orders", "https://payments.demo.writ.local"))
				.as("a pair no entry asks about is not kept")
				.isFalse();
			this.audit.record(granted(CHECKOUT, "https://payments.demo.writ.local"));
			monitor.check();

			assertThat(states(monitor)).containsEntry("payments-ready-to-retire", "ready-to-retire");
			assertThat(exceptions("ready-to-retire", "transitional")).isEqualTo(1);
			assertThat(exceptions("ok", "transitional")).isZero();
		}
	}

	@Test
	void deniedExchangeThenNoEvidence() throws IOException {
		this.audit.record(TokenExchangeEvent.begin(TODAY.instant())
			.subject(CHECKOUT)
			.audience("https://payments.demo.writ.local")
			.grant("checkout-pays")
			.outcome(Outcome.DENIED)
			.build());
		try (RegisterMonitor monitor = new RegisterMonitor(policies(), this.usage, TODAY, this.meters,
				Duration.ofHours(1))) {
			assertThat(monitor.assessments()).extracting(ApiKeyRegister.Assessment::state)
				.doesNotContain(dev.writ.policy.ApiKeyEntry.State.READY_TO_RETIRE);
		}
	}

	private static TokenExchangeEvent granted(String subject, String audience) {
		return TokenExchangeEvent.begin(TODAY.instant())
			.subject(subject)
			.audience(audience)
			.grant("g")
			.scopes(Set.of())
			.outcome(Outcome.GRANTED)
			.latency(Duration.ZERO)
			.build();
	}

}
