package org.example.payments;

import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.writ.testserver.WritTestServer;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real Writ — {@code target/writ.jar} from the repository root, in its own JVM on a free loopback port, started by
 * Writ's {@link WritTestServer} — with a site of its own: the demo trust domain, two grants for the checkout workload
 * and one for the payments service to ask Writ's introspection. No mock: the example is tested against the server it
 * documents.
 */
final class WritProcess {

	static final String CHECKOUT = "spiffe://demo.writ.local/ns/shop/sa/checkout";

	/** The payments service's own identity, which may ask Writ's introspection and nothing else. */
	static final String PAYMENTS_SERVICE = "spiffe://demo.writ.local/ns/shop/sa/payments";

	/** The operators' identity, which may revoke at Writ. */
	static final String OPS = "spiffe://demo.writ.local/ns/ops/sa/revoker";

	/** A workload Writ knows but has granted nothing. */
	static final String STRANGER = "spiffe://demo.writ.local/ns/shop/sa/stranger";

	/** The edge gateway, which acts for checkout (delegation). */
	static final String GATEWAY = "spiffe://demo.writ.local/ns/edge/sa/gateway";

	private static final String POLICIES = """
			spiffe:
			  - trust_domain: demo.writ.local
			    demo: true
			grants:
			  - id: checkout-pays
			    subject: spiffe://demo.writ.local/ns/shop/sa/checkout
			    audience: https://payments.example.org
			    scopes: [payments:read, payments:charge]
			  - id: checkout-ships
			    subject: spiffe://demo.writ.local/ns/shop/sa/checkout
			    audience: https://shipping.example.org
			    scopes: [shipping:create]
			  - id: gateway-for-checkout
			    subject: spiffe://demo.writ.local/ns/shop/sa/checkout
			    actor: spiffe://demo.writ.local/ns/edge/sa/gateway
			    audience: https://payments.example.org
			    scopes: [payments:read]
			  - id: payments-introspects
			    subject: spiffe://demo.writ.local/ns/shop/sa/payments
			    audience: ${writ.issuer}
			    scopes: [writ:introspect]
			  - id: ops-revokes
			    subject: spiffe://demo.writ.local/ns/ops/sa/revoker
			    audience: ${writ.issuer}
			    scopes: [writ:revoke]
			""";

	/**
	 * How long a new signing key is published before it signs, here; an hour by default.
	 * Long enough that a loaded machine still exchanges inside the window after the
	 * rotation is seen.
	 */
	static final String PUBLISH_AHEAD = "15s";

	private final WritTestServer writ;

	private WritProcess(WritTestServer writ) {
		this.writ = writ;
	}

	private static WritProcess shared;

	/** One Writ for every test class of this JVM, stopped when the JVM ends. */
	static synchronized WritProcess shared() {
		if (shared == null) {
			WritTestServer writ = WritTestServer.builder()
				.policies("site.yaml", POLICIES)
				.setting("writ.keys.publish-ahead", PUBLISH_AHEAD)
				.setting("writ.keys.reload-interval", "200ms")
				.setting("writ.keys.rotation-period", "0")
				.start();
			shared = new WritProcess(writ);
			Runtime.getRuntime().addShutdownHook(new Thread(writ::close));
		}
		return shared;
	}

	String issuer() {
		return this.writ.issuer();
	}

	/** A JWT-SVID for {@code spiffeId} from the demo trust domain, as SPIRE would hand it to the workload. */
	String svid(String spiffeId) {
		return this.writ.svid(spiffeId);
	}

	/** A file holding {@code spiffeId}'s JWT-SVID, as spiffe-helper keeps one for a workload. */
	Path identityFile(String spiffeId) {
		return this.writ.identityFile(spiffeId, Duration.ofMinutes(5));
	}

	/** {@code writ keys rotate} on this Writ's key directory, with its publish-ahead time. */
	String rotateKeys() {
		return this.writ.cli("keys", "rotate", "--keys", this.writ.keysDir().toString(), "--publish-ahead",
				PUBLISH_AHEAD);
	}

	/** Exchanges a subject token for an access token for {@code audience}; fails on anything but 200. */
	String exchange(String subjectToken, String audience, String scope) {
		return this.writ.exchange(subjectToken, audience, scope);
	}

	/** Exchanges {@code subjectToken} with {@code actorToken} acting for it (delegation); fails on anything but 200. */
	String exchangeActing(String subjectToken, String actorToken, String audience, String scope) throws Exception {
		Map<String, String> form = new java.util.LinkedHashMap<>();
		form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		form.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
		form.put("subject_token", subjectToken);
		form.put("actor_token_type", "urn:ietf:params:oauth:token-type:jwt");
		form.put("actor_token", actorToken);
		form.put("audience", audience);
		form.put("scope", scope);
		return (String) JSONObjectUtils
			.parse(this.writ.post("/oauth2/token", "application/x-www-form-urlencoded", null, WritTestServer.form(form)))
			.get("access_token");
	}

	/** Revokes {@code token} at Writ's RFC 7009 endpoint, where the token is its own proof. */
	void revoke(String token) {
		this.writ.post("/oauth2/revoke", "application/x-www-form-urlencoded", null,
				WritTestServer.form(Map.of("token", token)));
	}

	/** Revokes every token Writ has issued to {@code subject} until now, as an operator would. */
	void revokeSubject(String subject) {
		String ops = exchange(svid(OPS), issuer(), "writ:revoke");
		this.writ.post("/admin/revocations", "application/json", ops,
				JSONObjectUtils.toJSONString(Map.of("subject", subject)));
	}

	/**
	 * Points the payments service at this Writ, with {@code spiffeId}'s JWT-SVID as its identity token file.
	 * @return that file
	 */
	Path configure(DynamicPropertyRegistry registry, String spiffeId) {
		Path identity = this.writ.identityFile(spiffeId, Duration.ofMinutes(5)); // dev svid's default life
		registry.add("writ.issuer", this::issuer);
		registry.add("payments.identity-token-file", identity::toString);
		return identity;
	}

	/** The {@code kid}s Writ publishes now. */
	List<String> publishedKids() {
		try {
			return JWKSet.parse(this.writ.get("/oauth2/jwks").body()).getKeys().stream().map(JWK::getKeyID).toList();
		}
		catch (ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static void sleep(long millis) {
		WritTestServer.sleep(millis);
	}

}
