package dev.writ.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import dev.writ.testserver.WritTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * DPoP with writ-client against a real Writ that demands server nonces
 * ({@code writ.dpop.require-nonce}): the client proves its key, answers the nonce
 * challenge by retrying with the nonce, and holds DPoP tokens bound to its key; its
 * proofs for resource servers name the call and the token.
 */
class DpopClientTests {

	private static WritTestServer writ;

	private static Path identity;

	@BeforeAll
	static void startWrit() {
		writ = WritTestServer.builder()
			.policies("site.yaml", TestSite.POLICIES)
			.setting("writ.dpop.require-nonce", "true")
			.start();
		identity = writ.identityFile(TestSite.WORKLOAD, Duration.ofHours(1));
	}

	@AfterAll
	static void stopWrit() {
		writ.close();
	}

	private static WritClient.Builder client() {
		return WritClient.builder().tokenEndpoint(writ.tokenEndpoint()).identity(IdentitySource.file(identity));
	}

	@Test
	void dpopClientThenTokensBoundToItsKeyDespiteTheNonceChallenge() throws Exception {
		try (WritClient client = client().dpop().build()) {
			long challenged = writ.exchanges("error", "use_dpop_nonce");
			AccessToken token = client.token("https://orders.example.org", "orders:read");

			assertThat(token.type()).isEqualTo("DPoP");
			assertThat(token.authorization()).startsWith("DPoP ");
			assertThat(SignedJWT.parse(token.value()).getJWTClaimsSet().getJSONObjectClaim("cnf"))
				.isEqualTo(Map.of("jkt", client.dpopThumbprint().orElseThrow()));
			assertThat(writ.exchanges("error", "use_dpop_nonce") - challenged).as("one challenge, met").isEqualTo(1);
			assertThat(client.toString()).doesNotContain(token.value());
		}
	}

	@Test
	void dpopProofThenForTheCallAndTheTokenSignedByTheBoundKey() throws Exception {
		try (WritClient client = client().dpop().build()) {
			AccessToken token = client.token("https://orders.example.org", "orders:read");

			SignedJWT proof = SignedJWT
				.parse(client.dpopProof("GET", URI.create("https://orders.example.org/orders?page=2#top"), token));

			assertThat(proof.getHeader().getType().getType()).isEqualTo("dpop+jwt");
			ECKey key = (ECKey) proof.getHeader().getJWK();
			assertThat(key.isPrivate()).isFalse();
			assertThat(key.computeThumbprint().toString()).isEqualTo(client.dpopThumbprint().orElseThrow());
			assertThat(proof.verify(new ECDSAVerifier(key))).isTrue();
			assertThat(proof.getJWTClaimsSet().getStringClaim("htm")).isEqualTo("GET");
			assertThat(proof.getJWTClaimsSet().getStringClaim("htu")).isEqualTo("https://orders.example.org/orders");
			assertThat(proof.getJWTClaimsSet().getStringClaim("ath")).isEqualTo(Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(MessageDigest.getInstance("SHA-256")
					.digest(token.value().getBytes(StandardCharsets.US_ASCII))));
		}
	}

	@Test
	void dpopProofWithAResourceServersNonceThenItCarriesItAndAMalformedOneIsRefused() throws Exception {
		try (WritClient client = client().dpop().build()) {
			AccessToken token = client.token("https://orders.example.org", "orders:read");
			URI orders = URI.create("https://orders.example.org/orders");

			SignedJWT proof = SignedJWT.parse(client.dpopProof("GET", orders, token, "rs-nonce-1"));

			assertThat(proof.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("rs-nonce-1");
			assertThat(SignedJWT.parse(client.dpopProof("GET", orders, token)).getJWTClaimsSet().getClaim("nonce"))
				.isNull();
			org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
				.isThrownBy(() -> client.dpopProof("GET", orders, token, "a \"quoted\" nonce"));
		}
	}

	@Test
	void bearerClientThenNoProofsAndWritsNonceDemandRefusesNothingItDoesNotSend() {
		try (WritClient client = client().build()) {
			AccessToken token = client.token("https://orders.example.org", "orders:read");

			assertThat(token.type()).isEqualTo("Bearer");
			assertThat(client.dpopThumbprint()).isEmpty();
			assertThatIllegalStateException().isThrownBy(() -> client.dpopProof("GET", URI.create("https://x"), token));
		}
	}

}
