package dev.writ.web;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.writ.audit.TokenDigest;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.TestSvid;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With writ.audit.file set, each exchange's audit event is a JSON line of that file, and
 * not of the log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class AuditFileIntegrationTests {

	static final WritTestSite SITE = WritTestSite.create("""
			grants:
			  - id: checkout-pays
			    subject: spiffe://test.example.org/ns/prod/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:charge]
			""");

	static final Path AUDIT = SITE.keys().resolveSibling("audit.jsonl");

	@DynamicPropertySource
	static void site(DynamicPropertyRegistry registry) {
		registry.add("writ.policies-dir", () -> SITE.policies().toString());
		registry.add("writ.keys-dir", () -> SITE.keys().toString());
		registry.add("writ.issuer", () -> TestSvid.DEFAULT_AUDIENCE);
		registry.add("writ.audit.file", AUDIT::toString);
	}

	@LocalServerPort
	int port;

	HttpResponse<String> exchange(String subjectToken, String audience) throws Exception {
		return TestExchanges.exchange(HttpClient.newHttpClient(), "http://localhost:" + this.port, subjectToken,
				audience);
	}

	@Test
	void exchangeWhenAuditFileSetThenEveryOutcomeIsALineOfItAndNoTokenIsWritten(CapturedOutput output)
			throws Exception {
		String granted = SITE.authority().svid("/ns/prod/sa/checkout").sign();
		String refused = SITE.authority().svid("/ns/prod/sa/checkout").sign();

		HttpResponse<String> ok = exchange(granted, "https://payments.example.org");
		HttpResponse<String> denied = exchange(refused, "https://other.example.org");

		assertThat(ok.statusCode()).isEqualTo(200);
		assertThat(denied.statusCode()).isEqualTo(400);
		List<String> lines = Files.readAllLines(AUDIT);
		assertThat(lines).hasSize(2);
		Map<String, Object> first = JSONObjectUtils.parse(lines.get(0));
		Map<String, Object> second = JSONObjectUtils.parse(lines.get(1));
		assertThat(first).containsEntry("event", "token_exchange")
			.containsEntry("outcome", "granted")
			.containsEntry("grant", "checkout-pays")
			.containsEntry("subject_token_sha256", TokenDigest.of(granted));
		assertThat(second).containsEntry("outcome", "denied");
		String accessToken = (String) JSONObjectUtils.parse(ok.body()).get("access_token");
		assertThat(String.join("\n", lines)).doesNotContain(granted, refused, accessToken);
		assertThat(output.getOut()).doesNotContain("\"outcome\":\"granted\"");
	}

}
