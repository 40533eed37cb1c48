package dev.tenancy.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A {@link java.net.http.HttpClient} body of at most a given number of bytes: beyond that
 * the exchange is cancelled and the body fails with {@link TooLargeException}, so a
 * hostile or broken server cannot make us buffer an endless answer.
 * {@link #read(InputStream, int)} does the same for a blocking client's body stream (such
 * as Spring's {@code RestClient}).
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

	/**
	 * Read a whole body of at most {@code maxBytes} bytes, reading no more than one byte
	 * beyond.
	 * @param body the body, not closed here
	 * @param maxBytes the limit
	 * @return the body
	 * @throws TooLargeException when the body is longer
	 * @throws IOException when reading fails
	 */
	public static byte[] read(InputStream body, int maxBytes) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream(Math.min(maxBytes, 8192));
		byte[] chunk = new byte[8192];
		int total = 0;
		int read;
		while ((read = body.read(chunk, 0, Math.min(chunk.length, maxBytes + 1 - total))) > 0) {
			total += read;
			if (total > maxBytes) {
				throw new TooLargeException(maxBytes);
			}
			buffer.write(chunk, 0, read);
		}
		return buffer.toByteArray();
	}

	/** The body exceeded its limit; the exchange was cancelled. */
	public static final class TooLargeException extends IOException {

		private static final long serialVersionUID = 1L;

		/**
		 * The body exceeded this limit.
		 * @param maxBytes the limit
		 */
		public TooLargeException(int maxBytes) {
			super("answer larger than " + maxBytes + " bytes", null);
		}

	}

}
