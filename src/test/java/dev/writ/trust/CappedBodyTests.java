package dev.writ.trust;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CappedBodyTests {

	private static final URI JWKS = URI.create("https://issuer.example.org/jwks");

	private final Subscription subscription = new Subscription();

	private static HttpResponse.BodySubscriber<byte[]> body(int status, Map<String, List<String>> headers) {
		HttpHeaders all = HttpHeaders.of(headers, (name, value) -> true);
		return CappedBody.handler(JWKS, 8).apply(new HttpResponse.ResponseInfo() {

			@Override
			public int statusCode() {
				return status;
			}

			@Override
			public HttpHeaders headers() {
				return all;
			}

			@Override
			public HttpClient.Version version() {
				return HttpClient.Version.HTTP_1_1;
			}

		});
	}

	private static List<ByteBuffer> bytes(String text) {
		return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void bodyWhenWithinTheCapThenReadWhole() {
		HttpResponse.BodySubscriber<byte[]> body = body(200, Map.of());
		body.onSubscribe(this.subscription);
		body.onNext(bytes("{\"k\":"));
		body.onNext(bytes("1}"));
		body.onComplete();

		assertThat(new String(body.getBody().toCompletableFuture().join(), StandardCharsets.UTF_8))
			.isEqualTo("{\"k\":1}");
		assertThat(this.subscription.requested).isEqualTo(3);
	}

	@Test
	void bodyWhenItStreamsPastTheCapThenRefusedAndNoMoreRead() {
		// No Content-Length: the cap holds as the bytes arrive.
		HttpResponse.BodySubscriber<byte[]> body = body(200, Map.of());
		body.onSubscribe(this.subscription);
		body.onNext(bytes("{\"k\":"));
		body.onNext(bytes("\"secret\"}"));

		assertThatExceptionOfType(CompletionException.class)
			.isThrownBy(() -> body.getBody().toCompletableFuture().join())
			.withCauseInstanceOf(CappedBody.TooLargeException.class)
			.withMessageContaining(JWKS + ": document larger than 8 bytes")
			.withMessageNotContaining("secret");
		assertThat(this.subscription.cancelled).isTrue();
		assertThat(this.subscription.requested).isEqualTo(2);
	}

	@Test
	void bodyWhenDeclaredLargerThanTheCapThenRefusedUnread() {
		HttpResponse.BodySubscriber<byte[]> body = body(200, Map.of("Content-Length", List.of("9")));
		body.onSubscribe(this.subscription);

		assertThatExceptionOfType(CompletionException.class)
			.isThrownBy(() -> body.getBody().toCompletableFuture().join())
			.withCauseInstanceOf(CappedBody.TooLargeException.class);
		assertThat(this.subscription.cancelled).isTrue();
		assertThat(this.subscription.requested).isZero();
	}

	@Test
	void bodyWhenNotA200ThenDiscardedUnread() {
		HttpResponse.BodySubscriber<byte[]> body = body(302, Map.of("Content-Length", List.of("100000")));
		body.onSubscribe(this.subscription);

		assertThat(body.getBody().toCompletableFuture().join()).isEmpty();
		assertThat(this.subscription.cancelled).isTrue();
		assertThat(this.subscription.requested).isZero();
	}

	private static final class Subscription implements Flow.Subscription {

		long requested;

		boolean cancelled;

		@Override
		public void request(long n) {
			this.requested += n;
		}

		@Override
		public void cancel() {
			this.cancelled = true;
		}

	}

}
