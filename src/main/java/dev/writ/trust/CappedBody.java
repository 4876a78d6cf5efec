package dev.writ.trust;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import org.jspecify.annotations.Nullable;

/**
 * The body of a fetched document, read as it streams and refused as soon as it grows past
 * its cap: a huge or endless document costs at most the cap in memory. Bodies of answers
 * other than 200 are not read at all.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

	private final CompletableFuture<byte[]> body = new CompletableFuture<>();

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final URI uri;

	private final int maxBytes;

	private final boolean wanted;

	private Flow.@Nullable Subscription subscription;

	private CappedBody(URI uri, int maxBytes, boolean wanted) {
		this.uri = uri;
		this.maxBytes = maxBytes;
		this.wanted = wanted;
	}

	/**
	 * Reads the body of a 200 within {@code maxBytes}, refusing at once one whose
	 * declared length is larger; discards any other answer's body unread.
	 * @param uri the document asked for, named in the error
	 */
	static HttpResponse.BodyHandler<byte[]> handler(URI uri, int maxBytes) {
		return (info) -> {
			CappedBody body = new CappedBody(uri, maxBytes, info.statusCode() == 200);
			if (body.wanted && info.headers().firstValueAsLong("Content-Length").orElse(-1) > maxBytes) {
				body.refuse();
			}
			return body;
		};
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		this.subscription = subscription;
		if (!this.wanted) {
			this.body.complete(new byte[0]);
		}
		if (this.body.isDone()) {
			// Cancelling closes the connection: no byte more is read.
			subscription.cancel();
			return;
		}
		subscription.request(1);
	}

	@Override
	public void onNext(List<ByteBuffer> buffers) {
		if (this.body.isDone()) {
			return;
		}
		for (ByteBuffer buffer : buffers) {
			if (buffer.remaining() > this.maxBytes - this.bytes.size()) {
				refuse();
				subscription().cancel();
				return;
			}
			byte[] chunk = new byte[buffer.remaining()];
			buffer.get(chunk);
			this.bytes.writeBytes(chunk);
		}
		subscription().request(1);
	}

	// onNext follows onSubscribe (Reactive Streams §1.9).
	private Flow.Subscription subscription() {
		return Objects.requireNonNull(this.subscription, "subscription cannot be null");
	}

	@Override
	public void onError(Throwable throwable) {
		this.body.completeExceptionally(throwable);
	}

	@Override
	public void onComplete() {
		this.body.complete(this.bytes.toByteArray());
	}

	@Override
	public CompletionStage<byte[]> getBody() {
		return this.body;
	}

	private void refuse() {
		this.body.completeExceptionally(
				new TooLargeException(this.uri + ": document larger than " + this.maxBytes + " bytes"));
	}

	/** A document past its cap; its message names the URL and the cap, never the body. */
	static final class TooLargeException extends IOException {

		private static final long serialVersionUID = 1L;

		TooLargeException(String message) {
			super(message);
		}

	}

}
