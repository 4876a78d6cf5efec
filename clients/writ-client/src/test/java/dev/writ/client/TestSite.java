package dev.writ.client;

import dev.writ.testserver.WritTestServer;

/**
 * The Writ the client's tests run against: two demo trust domains and the grants below.
 */
final class TestSite {

	/** The demo trust domain's workload: any number of exchanges. */
	static final String WORKLOAD = "spiffe://demo.writ.local/ns/app/sa/client";

	/** The limited trust domain's workload: one exchange per 4 seconds. */
	static final String LIMITED = "spiffe://limited.writ.local/ns/app/sa/client";

	static final String POLICIES = """
			spiffe:
			  - trust_domain: demo.writ.local
			    demo: true
			  - trust_domain: limited.writ.local
			    demo: true
			    rate_limit: { subject: "1 per 4s" }
			grants:
			  - id: short
			    subject: spiffe://demo.writ.local/ns/app/sa/client
			    audience: https://short.example.org
			    scopes: [short:read]
			    ttl: 5s
			  - id: twenty
			    subject: spiffe://demo.writ.local/ns/app/sa/client
			    audience: https://twenty.example.org
			    scopes: [twenty:read]
			    ttl: 20s
			  - id: hour
			    subject: spiffe://demo.writ.local/ns/app/sa/client
			    audience: https://hour.example.org
			    scopes: [hour:read]
			    ttl: 1h
			  - id: orders
			    subject: spiffe://demo.writ.local/ns/app/sa/client
			    audience: https://orders.example.org
			    scopes: [orders:read, orders:write]
			  - id: limited-a
			    subject: spiffe://limited.writ.local/ns/app/sa/client
			    audience: https://a.example.org
			    scopes: [a:read]
			  - id: limited-b
			    subject: spiffe://limited.writ.local/ns/app/sa/client
			    audience: https://b.example.org
			    scopes: [b:read]
			""";

	private TestSite() {
	}

	static WritTestServer start() {
		return WritTestServer.builder().policies("site.yaml", POLICIES).start();
	}

}
