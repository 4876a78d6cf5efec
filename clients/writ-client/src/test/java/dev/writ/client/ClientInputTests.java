package dev.writ.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the client accepts from its configuration, before it sends anything. */
class ClientInputTests {

	@TempDir
	Path dir;

	@Test
	void requestsForTheSameScopesInAnyOrderThenOneRequest() {
		assertThat(TokenRequest.of("https://a.example.org", "b", "a", "b"))
			.isEqualTo(TokenRequest.of("https://a.example.org", "a", "b"));
		assertThat(TokenRequest.of("https://a.example.org", "b", "a").scopeParameter()).isEqualTo("a b");
	}

	@Test
	void scopeThatRfc6749DoesNotAllowOrNoAudienceThenRefused() {
		for (String scope : new String[] { "", "a b", "quote\"", "back\\slash", "tab\t", "é" }) {
			assertThatThrownBy(() -> TokenRequest.of("https://a.example.org", scope)).as(scope)
				.isInstanceOf(IllegalArgumentException.class);
		}
		assertThatThrownBy(() -> TokenRequest.of(" ")).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void onlyHttpsOrHttpToLoopbackThenAccepted() {
		for (String ok : new String[] { "https://writ.example.org/oauth2/token", "http://127.0.0.1:8080/oauth2/token",
				"http://127.3.4.5/t", "http://[::1]:8443/t", "HTTPS://writ.example.org" }) {
			assertThat(Endpoints.check(URI.create(ok), "it")).as(ok).isNotNull();
		}
		for (String refused : new String[] { "http://writ.example.org/t", "http://127.0.0.1.example.org/t",
				"http://localhost.example.org/t", "http://localhost:8080/t", "http://127.0.0.256/t",
				"http://10.0.0.1/t", "ftp://writ.example.org/t", "https://user:pass@writ.example.org/t",
				"https://writ.example.org/t#f", "/oauth2/token", "file:///etc/passwd" }) {
			assertThatThrownBy(() -> Endpoints.check(URI.create(refused), "it")).as(refused)
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageNotContaining("user:pass");
		}
	}

	@Test
	void issuerWithAPathThenMetadataAtTheWellKnownPrefixBeforeIt() {
		assertThat(Endpoints.metadata(URI.create("https://writ.example.org")))
			.hasToString("https://writ.example.org/.well-known/oauth-authorization-server");
		assertThat(Endpoints.metadata(URI.create("https://writ.example.org:8443/tenant/a/")))
			.hasToString("https://writ.example.org:8443/.well-known/oauth-authorization-server/tenant/a");
	}

	@Test
	void credentialFileOfEachSourceThenItsSettings() throws IOException {
		Path token = Files.writeString(this.dir.resolve("token.json"), "{\"id_token\":\"eyJ.token.here\"}");
		Path file = Files.writeString(this.dir.resolve("a.json"), """
				{"type":"external_account","audience":"https://a.example.org",
				 "subject_token_type":"urn:ietf:params:oauth:token-type:id_token",
				 "token_url":"https://writ.example.org/oauth2/token",
				 "credential_source":{"file":"%s","format":{"type":"json","subject_token_field_name":"id_token"}}}
				""".formatted(token));
		CredentialFile read = CredentialFile.read(file);
		assertThat(read.audience()).isEqualTo("https://a.example.org");
		assertThat(read.subjectTokenType()).isEqualTo("urn:ietf:params:oauth:token-type:id_token");
		assertThat(read.tokenUrl()).hasToString("https://writ.example.org/oauth2/token");
		assertThat(read.identity().identityToken()).isEqualTo("eyJ.token.here");

		Path url = Files.writeString(this.dir.resolve("u.json"),
				"""
						{"type":"external_account","audience":"a","subject_token_type":"urn:ietf:params:oauth:token-type:jwt",
						 "token_url":"https://writ.example.org/oauth2/token",
						 "credential_source":{"url":"https://ci.example.org/token?secret=s3cr3t","headers":{"Authorization":"Bearer r"}}}
						""");
		assertThat(CredentialFile.read(url).identity().toString()).isEqualTo("URL https://ci.example.org/token?…");
	}

	@Test
	void credentialFileWithASecretWhereItCannotBeUsedThenRefusedWithoutTheSecret() throws IOException {
		Path badUrl = Files.writeString(this.dir.resolve("bad-url.json"),
				base("\"credential_source\":{\"file\":\"/t\"}").replace("https://writ.example.org/t",
						"https://writ example.org/t?secret=s3cr3t"));
		assertThatThrownBy(() -> CredentialFile.read(badUrl)).hasMessageContaining("token_url is not a URL")
			.hasMessageNotContaining("s3cr3t");
		Path badHeader = Files.writeString(this.dir.resolve("bad-header.json"), base(
				"\"credential_source\":{\"url\":\"https://ci.example.org/t\",\"headers\":{\"Authorization\":\"Bearer s3cr3t\\r\\nX: y\"}}"));
		assertThatThrownBy(() -> CredentialFile.read(badHeader)).hasMessageContaining("the header Authorization")
			.hasMessageNotContaining("s3cr3t");
		Path userInfo = Files.writeString(this.dir.resolve("user-info.json"),
				base("\"credential_source\":{\"url\":\"https://ci:s3cr3t@bad_host/t\"}"));
		assertThatThrownBy(() -> CredentialFile.read(userInfo)).hasMessageNotContaining("s3cr3t");
	}

	@Test
	void credentialFileThatWritClientCannotHonourThenRefusedSayingWhy() throws IOException {
		Map<String, String> refused = Map.of("{\"type\":\"service_account\"}", "is not an external_account",
				base("\"credential_source\":{\"executable\":{\"command\":\"/bin/id\"}}"), "executable",
				base("\"credential_source\":{\"file\":\"/t\"},\"service_account_impersonation_url\":\"https://x\""),
				"only Google's token service", base("\"credential_source\":{}"), "neither a file nor a url",
				base("\"credential_source\":{\"file\":\"/t\",\"format\":{\"type\":\"json\"}}"),
				"subject_token_field_name",
				base("\"credential_source\":{\"file\":\"/t\",\"format\":{\"type\":\"xml\"}}"), "neither text nor json",
				"{\"type\":\"external_account\",\"audience\":\"a\",\"subject_token_type\":\"t\",\"token_url\":\"http://writ.example.org/t\",\"credential_source\":{\"file\":\"/t\"}}",
				"must be https", "[1,2]", "is not a JSON object");
		int n = 0;
		for (Map.Entry<String, String> each : refused.entrySet()) {
			Path file = Files.writeString(this.dir.resolve("refused-" + n++ + ".json"), each.getKey());
			assertThatThrownBy(() -> CredentialFile.read(file)).as(each.getKey())
				.isInstanceOf(IOException.class)
				.hasMessageContaining(each.getValue())
				.hasMessageContaining(file.toString());
		}
	}

	private static String base(String source) {
		return "{\"type\":\"external_account\",\"audience\":\"a\",\"subject_token_type\":\"t\","
				+ "\"token_url\":\"https://writ.example.org/t\"," + source + "}";
	}

	@Test
	void identityFileEmptyOrTooLargeThenRefusedWithoutItsContent() throws IOException {
		Path empty = Files.writeString(this.dir.resolve("empty"), " \n");
		assertThatThrownBy(() -> IdentitySource.file(empty).identityToken()).hasMessageContaining("holds no identity");
		Path large = Files.writeString(this.dir.resolve("large"), "x".repeat(IdentitySources.MAX_BYTES + 1));
		assertThatThrownBy(() -> IdentitySource.file(large).identityToken()).hasMessageContaining("larger than")
			.hasMessageNotContaining("xxxx");
		Path notJson = Files.writeString(this.dir.resolve("nj"), "eyJ.secret.token");
		assertThatThrownBy(() -> IdentitySource.file(notJson, "value").identityToken())
			.hasMessageContaining("not a JSON object")
			.hasMessageNotContaining("secret");
		assertThat(new IdentitySources.EnvironmentSource("WRIT_ID", Map.of("WRIT_ID", " eyJ.a.b\n")).identityToken())
			.isEqualTo("eyJ.a.b");
		assertThatThrownBy(() -> new IdentitySources.EnvironmentSource("WRIT_ID", Map.of()).identityToken())
			.hasMessageContaining("WRIT_ID is not set");
	}

	@Test
	void githubActionsWithoutItsVariablesThenRefusedNamingThePermission() {
		assertThatThrownBy(() -> IdentitySources.githubActions("https://writ.example.org", Map.of()))
			.hasMessageContaining("id-token: write");
	}

	@Test
	void backoffThenDoublingFromOneSecondToThirtyEachBetweenHalfAndAll() {
		for (int failures = 1; failures <= 40; failures++) {
			long full = Math.min(30_000, 1000L << Math.min(failures - 1, 16));
			Duration backoff = Schedule.backoff(failures);
			assertThat(backoff.toMillis()).as("after %d failures", failures).isBetween(full / 2, full);
		}
	}

}
