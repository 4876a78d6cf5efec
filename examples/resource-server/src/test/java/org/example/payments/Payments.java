package org.example.payments;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls to the payments service under test, as a workload makes them. */
final class Payments {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private Payments() {
	}

	/** {@code method path} on the service at {@code port}, with {@code token} as bearer unless null. */
	static HttpResponse<String> call(int port, String method, String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
