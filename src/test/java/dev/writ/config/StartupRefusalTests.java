package dev.writ.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.writ.WritApplication;
import dev.writ.testing.TestTls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Writ refuses to start on bad policies, keys or settings, and says every problem, not a
 * stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupRefusalTests {

	@TempDir
	Path root;

	// Command-line arguments: SpringApplicationBuilder.properties() are defaults, which
	// application.yaml overrides.
	// On port 0 Writ cannot derive its issuer from the port, so one is named unless the
	// test names its own.
	private void start(String... arguments) {
		List<String> args = new ArrayList<>(List.of("--server.port=0"));
		if (Stream.of(arguments).noneMatch((argument) -> argument.startsWith("writ.issuer="))) {
			args.add("--writ.issuer=http://localhost:8080");
		}
		Stream.of(arguments).map((argument) -> "--" + argument).forEach(args::add);
		new SpringApplicationBuilder(WritApplication.class).run(args.toArray(String[]::new)).close();
	}

	@Test
	void startWhenPortPickedAtStartAndNoIssuerThenRefusedAskingForTheIssuer(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(WritApplication.class)
			.run("--server.port=0", "--writ.keys-dir=" + this.root.resolve("keys"))
			.close());
		assertThat(output.getAll()).contains("Writ refused to start, 1 problem(s)")
			.contains("writ.issuer is unset and server.port=0 picks a port only at start-up: set writ.issuer");
	}

	@Test
	void startWhenAGrantTakesOnlyCertificatesWithoutMutualTlsThenStartedAndWarnedNamingIt(CapturedOutput output) {
		dev.writ.testing.WritTestSite site = dev.writ.testing.WritTestSite.create("""
				grants:
				  - id: settles-mtls
				    subject: spiffe://test.example.org/api
				    audience: https://settlement.example.org
				    scopes: [settlement:write]
				    binding: mtls
				""");

		start("writ.policies-dir=" + site.policies(), "writ.keys-dir=" + site.keys());

		assertThat(output.getAll()).contains("[grant settles-mtls] take only certificate-bound tokens (binding: mtls), "
				+ "and this Writ serves no mutual TLS");
	}

	@Test
	void startWhenPoliciesBadThenRefusedWithEveryProblem(CapturedOutput output) throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("grants.yaml"), """
				grants:
				  - id: a
				    subject: spiffe://nowhere.example.org/a
				    audience: https://a.example.org
				    scopes: [read]
				    tll: 5m
				""");

		assertThatException()
			.isThrownBy(() -> start("writ.policies-dir=" + policies, "writ.keys-dir=" + this.root.resolve("keys")));
		assertThat(output.getAll()).contains("Writ refused to start, 2 problem(s)")
			.contains("grants.yaml:3: subject is in trust domain nowhere.example.org")
			.contains("grants.yaml:6: a grant has an unknown key 'tll'");
	}

	@Test
	void startWhenSettingMisspeltThenRefusedWithTheNearestName(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start("writ.token.max-tll=2h", "writ.keys-dir=" + this.root.resolve("keys")));
		assertThat(output.getAll()).contains("Writ refused to start, 1 problem(s)")
			.contains("writ.token.max-tll is not a Writ setting; did you mean writ.token.max-ttl?");
	}

	@Test
	void startWhenSettingsBadThenRefusedWithEveryProblem(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("writ.issuer=http://writ.example.org", "writ.clock-skew=5m",
				"writ.keys-dir=" + this.root.resolve("keys")));
		assertThat(output.getAll()).contains("Writ refused to start, 2 problem(s)")
			.contains("writ.issuer must be an https URL")
			.contains("writ.clock-skew must be between 0s and 60s");
	}

	@Test
	void startWhenADurationHasNoUnitThenThatSettingNamedWithItsValueAndEveryOtherProblemToo(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("writ.token.max-ttl=15", "writ.trust.timeout=5",
				"writ.store.type=disk", "writ.keys-dir=" + this.root.resolve("keys")));
		assertThat(output.getAll()).contains("Writ refused to start, 3 problem(s)")
			.contains("writ.token.max-ttl=15 has no unit: write it with one, such as 15s, 15m or 15h")
			.contains("writ.trust.timeout=5 has no unit")
			.contains("writ.store.type must be memory or redis")
			.doesNotContain("writ.token.default-ttl");
	}

	@Test
	void startWhenDurationsDisagreeThenBothSettingsNamedWithTheirValues(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start("writ.token.max-ttl=2m", "writ.keys-dir=" + this.root.resolve("keys")));
		assertThat(output.getAll()).contains("Writ refused to start, 1 problem(s)")
			.contains("writ.token.default-ttl (5m) must be more than 0s and at most writ.token.max-ttl (2m)");
	}

	@Test
	void startWhenTheAuditFilesDirectoryIsMissingThenSaysSo(CapturedOutput output) {
		Path missing = this.root.resolve("no-such-dir");
		assertThatException().isThrownBy(() -> start("writ.audit.file=" + missing.resolve("audit.jsonl"),
				"writ.keys-dir=" + this.root.resolve("keys")));
		assertThat(output.getAll()).contains("Writ refused to start, 1 problem(s)")
			.contains("writ.audit.file: the directory " + missing + " does not exist");
		assertThat(missing).doesNotExist();
	}

	@Test
	void startWhenTlsFilesMissingThenRefusedNamingTheFileWithoutAStackTrace(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start("writ.keys-dir=" + this.root.resolve("keys"), "server.ssl.bundle=writ",
					"spring.ssl.bundle.pem.writ.keystore.certificate=file:" + this.root.resolve("missing.crt"),
					"spring.ssl.bundle.pem.writ.keystore.private-key=file:" + this.root.resolve("missing.key")));
		assertThat(output.getAll()).contains("Writ refused to start, 1 problem(s)")
			.contains("  - TLS: ")
			.containsAnyOf(this.root.resolve("missing.crt") + " (No such file",
					this.root.resolve("missing.key") + " (No such file")
			.doesNotContain("\tat org.springframework");
	}

	@Test
	void startWhenTlsKeyDoesNotMatchItsCertificateThenRefused(CapturedOutput output) {
		TestTls.generate().withKeyOf(TestTls.generate()).writeTo(this.root.resolve("tls"));

		assertThatException()
			.isThrownBy(() -> start("writ.keys-dir=" + this.root.resolve("keys"), "server.ssl.bundle=writ",
					"spring.ssl.bundle.pem.writ.keystore.certificate=file:" + this.root.resolve("tls/tls.crt"),
					"spring.ssl.bundle.pem.writ.keystore.private-key=file:" + this.root.resolve("tls/tls.key")));
		assertThat(output.getAll()).contains("Writ refused to start, 1 problem(s)")
			.contains("  - TLS: Private key in keystore matches none of the certificates in the chain");
	}

}
