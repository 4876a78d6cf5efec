package dev.writ.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.lettuce.core.RedisException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.writ.WritApplication;
import dev.writ.testing.RedisServer;
import dev.writ.testing.TestExchanges;
import dev.writ.testing.TestTargets;
import dev.writ.testing.WritTestSite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Just-in-time credentials on a fleet of two Writ nodes sharing one Redis store: a
 * credential issued by one node is revoked through the other; and when the node that
 * issued credentials is gone, the other removes them at their expiry — a Redis ACL user
 * (which Redis never expires by itself) and a PostgreSQL role.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialsFleetIntegrationTests {

	static final String ISSUER = "http://localhost:8080";

	static final String CHECKOUT = "/ns/prod/sa/checkout";

	TestTargets targets;

	RedisServer store;

	WritTestSite site;

	java.nio.file.Path secrets;

	ConfigurableApplicationContext nodeA;

	ConfigurableApplicationContext nodeB;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@BeforeAll
	void startFleet() {
		this.targets = TestTargets.start();
		this.store = RedisServer.start();
		this.site = WritTestSite.create(this.targets.policies() + """
				grants:
				  - id: checkout-orders
				    subject: spiffe://test.example.org/ns/prod/sa/checkout
				    audience: postgresql://orders-db
				    ttl: 4s
				    credential: { roles: [orders_reader] }
				  - id: checkout-cache
				    subject: spiffe://test.example.org/ns/prod/sa/checkout
				    audience: redis://cache
				    ttl: 4s
				    credential: { commands: [+get], keys: ["orders:*"] }
				  - id: checkout-cache-long
				    subject: spiffe://test.example.org/ns/prod/sa/long
				    audience: redis://cache
				    ttl: 10m
				    credential: { commands: [+get], keys: ["orders:*"] }
				  - id: security-admin
				    subject: spiffe://test.example.org/ns/ops/sa/security
				    audience: http://localhost:8080
				    scopes: [writ:leases]
				""");
		this.secrets = this.targets.writeSecrets(this.site.policies().getParent());
		this.nodeA = start();
		this.nodeB = start();
	}

	ConfigurableApplicationContext start() {
		List<String> arguments = new ArrayList<>(
				List.of("--server.port=0", "--writ.issuer=" + ISSUER, "--writ.policies-dir=" + this.site.policies(),
						"--writ.keys-dir=" + this.site.keys(), "--writ.store.type=redis",
						"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + this.store.port(),
						"--writ.credentials.reap-interval=1s", "--writ.credentials.secrets-dir=" + this.secrets,
						"--writ.credentials.allowed-hosts=" + this.targets.allowedHosts()));
		return new SpringApplicationBuilder(WritApplication.class).run(arguments.toArray(String[]::new));
	}

	@AfterAll
	void stopFleet() {
		for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] { this.nodeA, this.nodeB }) {
			if (node != null && node.isActive()) {
				node.close();
			}
		}
		this.store.stop();
		this.targets.close();
	}

	static String base(ConfigurableApplicationContext node) {
		return "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	private Map<String, Object> credential(ConfigurableApplicationContext node, String path, String audience)
			throws Exception {
		HttpResponse<String> answer = TestExchanges.credential(this.http, base(node),
				this.site.authority().svid(path).sign(), audience);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return JSONObjectUtils.parse(answer.body());
	}

	private HttpResponse<String> revoke(ConfigurableApplicationContext node, String body) throws Exception {
		String token = (String) JSONObjectUtils
			.parse(TestExchanges
				.exchange(this.http, base(node), this.site.authority().svid("/ns/ops/sa/security").sign(), ISSUER)
				.body())
			.get("access_token");
		return this.http.send(HttpRequest.newBuilder(URI.create(base(node) + "/admin/leases/revoke"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void issuedByOneNodeThenRevokedThroughTheOther() throws Exception {
		Map<String, Object> issued = credential(this.nodeA, "/ns/prod/sa/long", "redis://cache");
		String username = (String) issued.get("username");
		String password = (String) issued.get("access_token");
		this.targets.redisLogin(username, password).close();

		HttpResponse<String> revoked = revoke(this.nodeB,
				"{\"subject\":\"spiffe://test.example.org/ns/prod/sa/long\"}");

		assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
		assertThat(revoked.body()).contains((String) issued.get("lease_id"));
		assertThatExceptionOfType(RedisException.class)
			.isThrownBy(() -> this.targets.redisLogin(username, password).close());
	}

	@Test
	void issuingNodeGoneThenTheOtherRemovesItsCredentialsAtExpiry() throws Exception {
		ConfigurableApplicationContext issuer = start();
		Map<String, Object> cache = credential(issuer, CHECKOUT, "redis://cache");
		Map<String, Object> orders = credential(issuer, CHECKOUT, "postgresql://orders-db");
		String cacheUser = (String) cache.get("username");
		String ordersUser = (String) orders.get("username");
		this.targets.redisLogin(cacheUser, (String) cache.get("access_token")).close();
		this.targets.postgres().connect("orders", ordersUser, (String) orders.get("access_token")).close();

		// The node that issued them is gone before they expire; no node of the fleet
		// was told of them but through the store.
		issuer.close();

		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> assertThat(this.targets.redisUsers()).doesNotContain(cacheUser));
		assertThatExceptionOfType(RedisException.class)
			.isThrownBy(() -> this.targets.redisLogin(cacheUser, (String) cache.get("access_token")).close());
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> assertThat(this.targets.postgres().roles(ordersUser)).isEmpty());
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> this.targets.postgres()
			.connect("orders", ordersUser, (String) orders.get("access_token"))
			.close());
	}

}
