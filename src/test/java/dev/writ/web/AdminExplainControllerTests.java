package dev.writ.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.TestingAuthenticationToken;

import dev.writ.testing.TestTrust;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller's own switch, behind the filter chain's: off, even a request that got
 * past the chain is answered 404 and explains nothing.
 */
class AdminExplainControllerTests {

	@TempDir
	Path root;

	@Test
	void offThenNotFoundWhateverTheRequest() throws IOException {
		ResponseEntity<Map<String, Object>> answer = controller(false).explain(request(), caller());
		assertThat(answer.getStatusCode().value()).isEqualTo(404);
		assertThat(answer.getBody()).containsEntry("error", "not_found").doesNotContainKey("decision");
	}

	@Test
	void onThenExplains() throws IOException {
		ResponseEntity<Map<String, Object>> answer = controller(true).explain(request(), caller());
		assertThat(answer.getStatusCode().value()).isEqualTo(200);
		assertThat(answer.getBody()).containsKey("decision");
	}

	private AdminExplainController controller(boolean on) throws IOException {
		Path policies = Files.createDirectories(this.root.resolve("policies"));
		Files.writeString(policies.resolve("trust.yaml"),
				"spiffe:\n  - trust_domain: demo.writ.local\n    demo: true\n");
		return new AdminExplainController(TestTrust.store(policies, this.root.resolve("keys")), Clock.systemUTC(), on);
	}

	private static AdminExplainController.ExplainRequest request() {
		return new AdminExplainController.ExplainRequest("spiffe://demo.writ.local/ns/a/sa/b", null, null,
				"https://inventory.example", null, null, null, null, null, null);
	}

	private static TestingAuthenticationToken caller() {
		return new TestingAuthenticationToken("admin", null);
	}

}
