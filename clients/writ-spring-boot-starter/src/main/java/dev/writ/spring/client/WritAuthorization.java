package dev.writ.spring.client;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

import dev.writ.client.TokenRequest;
import dev.writ.client.WritClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Sets {@code Authorization: Bearer <Writ token>} on a call to a target
 * ({@link WritTargets}), unless the call already carries an {@code Authorization}: the
 * token from {@link WritClient}'s cache, refreshed ahead of expiry. When there is no
 * token, the call fails with the client's {@code WritClientException} (Writ's error and
 * description) and is not sent.
 */
final class WritAuthorization implements ClientHttpRequestInterceptor {

	private final WritClient client;

	private final WritTargets targets;

	WritAuthorization(WritClient client, WritTargets targets) {
		this.client = client;
		this.targets = targets;
	}

	/** The {@code Authorization} value for a call to {@code url}, if it is a target's. */
	Optional<String> authorization(URI url) {
		Optional<TokenRequest> request = this.targets.requestFor(url);
		return request.map((target) -> this.client.token(target).authorization());
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		if (!request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
			authorization(request.getURI())
				.ifPresent((value) -> request.getHeaders().set(HttpHeaders.AUTHORIZATION, value));
		}
		return execution.execute(request, body);
	}

	/**
	 * The same for WebClient: the token is taken off the event loop, where a refresh may
	 * wait.
	 */
	static final class Reactive {

		private Reactive() {
		}

		static org.springframework.web.reactive.function.client.ExchangeFilterFunction filter(
				WritAuthorization authorization) {
			return (request, next) -> {
				if (request.headers().containsHeader(HttpHeaders.AUTHORIZATION)
						|| authorization.targets.requestFor(request.url()).isEmpty()) {
					return next.exchange(request);
				}
				return Mono.fromCallable(() -> authorization.authorization(request.url()).orElseThrow())
					.subscribeOn(Schedulers.boundedElastic())
					.flatMap((value) -> next
						.exchange(org.springframework.web.reactive.function.client.ClientRequest.from(request)
							.header(HttpHeaders.AUTHORIZATION, value)
							.build()));
			};
		}

	}

}
