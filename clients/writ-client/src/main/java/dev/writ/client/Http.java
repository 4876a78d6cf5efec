package dev.writ.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * HTTP as the client speaks it: no redirects, no proxy for loopback, and a deadline and a
 * size cap on the whole answer, body included ({@link HttpRequest#timeout} ends when the
 * headers arrive; a server that trickles its body would hold an exchange forever).
 */
final class Http {

	private final HttpClient client;

	private final Duration timeout;

	Http(Duration timeout) {
		this.timeout = timeout;
		this.client = HttpClient.newBuilder()
			.connectTimeout(timeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.proxy(new LoopbackDirect(ProxySelector.getDefault()))
			.build();
	}

	Duration timeout() {
		return this.timeout;
	}

	/** The answer, read whole within the timeout. */
	HttpResponse<byte[]> send(HttpRequest request, int maxBytes) throws IOException, TimeoutException {
		CompletableFuture<HttpResponse<byte[]>> answer = this.client.sendAsync(request, (info) -> new Capped(maxBytes));
		try {
			return answer.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			answer.cancel(true);
			throw ex;
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof IOException io) {
				throw io;
			}
			throw new IOException(String.valueOf(cause), cause);
		}
		catch (InterruptedException ex) {
			answer.cancel(true);
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
	}

	/** The body's bytes, refused past {@code max}. */
	private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {

		private final int max;

		private final CompletableFuture<byte[]> body = new CompletableFuture<>();

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private Flow.@Nullable Subscription subscription;

		Capped(int max) {
			this.max = max;
		}

		@Override
		public CompletionStage<byte[]> getBody() {
			return this.body;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			if (this.body.isDone()) {
				return;
			}
			for (ByteBuffer buffer : buffers) {
				if (this.bytes.size() + buffer.remaining() > this.max) {
					if (this.subscription != null) {
						this.subscription.cancel();
					}
					this.body.completeExceptionally(new IOException("an answer of more than " + this.max + " bytes"));
					return;
				}
				byte[] chunk = new byte[buffer.remaining()];
				buffer.get(chunk);
				this.bytes.write(chunk, 0, chunk.length);
			}
		}

		@Override
		public void onError(Throwable error) {
			this.body.completeExceptionally(error);
		}

		@Override
		public void onComplete() {
			this.body.complete(this.bytes.toByteArray());
		}

	}

	/**
	 * The JVM's proxies, except to a loopback address: a request that must not leave the
	 * machine never goes through a proxy, whatever {@code http.nonProxyHosts} says.
	 */
	static final class LoopbackDirect extends ProxySelector {

		private final @Nullable ProxySelector delegate;

		LoopbackDirect(@Nullable ProxySelector delegate) {
			this.delegate = delegate;
		}

		@Override
		public List<Proxy> select(URI uri) {
			String host = uri.getHost();
			ProxySelector delegate = this.delegate;
			if (delegate == null || (host != null && Endpoints.isLoopback(host))) {
				return List.of(Proxy.NO_PROXY);
			}
			return delegate.select(uri);
		}

		@Override
		public void connectFailed(URI uri, SocketAddress address, IOException ex) {
			if (this.delegate != null) {
				this.delegate.connectFailed(uri, address, ex);
			}
		}

	}

	/** The longest {@code Retry-After} honoured as given; a longer one is capped. */
	static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

	/** RFC 9110 §10.2.3: seconds, or an HTTP date; capped at {@link #MAX_RETRY_AFTER}. */
	static @Nullable Duration retryAfter(HttpHeaders headers, Instant now) {
		String value = headers.firstValue("Retry-After").orElse(null);
		if (value == null) {
			return null;
		}
		Duration wait;
		try {
			wait = Duration.ofSeconds(Long.parseLong(value.trim()));
		}
		catch (NumberFormatException notSeconds) {
			try {
				ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
				wait = Duration.between(now, at.toInstant());
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
		if (wait.isNegative()) {
			return Duration.ZERO;
		}
		return (wait.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : wait;
	}

	/** Text from the other side, for a message: printable, and short. */
	static String printable(String text) {
		String shown = text.codePoints()
			.map((c) -> Character.isISOControl(c) ? '?' : c)
			.limit(200)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		return (text.codePointCount(0, text.length()) > 200) ? shown + "…" : shown;
	}

}
