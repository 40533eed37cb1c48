package dev.tenancy.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A {@link java.net.http.HttpClient} body of at most a given number of bytes: beyond that the
 * exchange is cancelled and the body fails with {@link TooLargeException}, so a hostile or broken
 * server cannot make us buffer an endless answer.
 */
public final class BoundedBody implements BodySubscriber<byte[]> {

	private final int maxBytes;

	private final CompletableFuture<byte[]> result = new CompletableFuture<>();

	private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

	private Flow.Subscription subscription;

	/**
	 * A body of at most {@code maxBytes} bytes.
	 * @param maxBytes the limit
	 */
	public BoundedBody(int maxBytes) {
		this.maxBytes = maxBytes;
	}

	@Override
	public CompletionStage<byte[]> getBody() {
		return this.result;
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		this.subscription = subscription;
		subscription.request(Long.MAX_VALUE);
	}

	@Override
	public void onNext(List<ByteBuffer> items) {
		if (this.result.isDone()) {
			return;
		}
		for (ByteBuffer item : items) {
			if (this.buffer.size() + item.remaining() > this.maxBytes) {
				this.subscription.cancel();
				this.result.completeExceptionally(new TooLargeException(this.maxBytes));
				return;
			}
			byte[] bytes = new byte[item.remaining()];
			item.get(bytes);
			this.buffer.writeBytes(bytes);
		}
	}

	@Override
	public void onError(Throwable throwable) {
		this.result.completeExceptionally((throwable instanceof IOException) ? throwable : new IOException(throwable));
	}

	@Override
	public void onComplete() {
		this.result.complete(this.buffer.toByteArray());
	}

	/** The body exceeded its limit; the exchange was cancelled. */
	public static final class TooLargeException extends IOException {

		private static final long serialVersionUID = 1L;

		TooLargeException(int maxBytes) {
			super("answer larger than " + maxBytes + " bytes", null);
		}

	}

}
