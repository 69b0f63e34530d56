package sc.fiji.scoresde.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import sc.fiji.scoresde.sampling.SamplingCancelledException;
import sc.fiji.scoresde.sampling.ScoreModel;

/**
 * Runs a network call in chunks of the batch, and when the device runs out of memory halves the chunk and retries
 * the same call, saying so. The sampler still sees one call on the whole batch, so the noise draws and the batch-
 * shared corrector step are those of the full batch. Cancellation is checked before every chunk: one call on a big
 * batch can take minutes, and a stop request waits for one chunk at most.
 */
public final class BatchSplittingScoreModel implements ScoreModel {

	private final ScoreModel inner;
	private final BooleanSupplier cancelled;
	private final Consumer<String> log;
	private int chunk;

	/** @param chunk the largest number of samples per call to start with */
	public BatchSplittingScoreModel(final ScoreModel inner, final int chunk, final Consumer<String> log) {
		this(inner, chunk, () -> false, log);
	}

	/**
	 * @param chunk the largest number of samples per call to start with
	 * @param cancelled asked before every chunk (as is the thread's interrupt flag)
	 */
	public BatchSplittingScoreModel(final ScoreModel inner, final int chunk, final BooleanSupplier cancelled,
		final Consumer<String> log)
	{
		if (chunk < 1) throw new IllegalArgumentException("chunk must be ≥ 1, got " + chunk);
		this.inner = inner;
		this.chunk = chunk;
		this.cancelled = cancelled == null ? () -> false : cancelled;
		this.log = log;
	}

	/** The chunk size now in use. */
	public int chunk() {
		return chunk;
	}

	@Override
	public NDArray score(final NDArray x, final float sigma) {
		final int batch = (int) x.getShape().get(0);
		while (true) {
			try {
				if (batch <= chunk) return inner.score(x, sigma);
				final NDList parts = new NDList();
				for (int start = 0; start < batch; start += chunk) {
					checkCancelled(start, batch);
					final NDArray slice = x.get(start + ":" + Math.min(batch, start + chunk));
					parts.add(inner.score(slice, sigma));
				}
				return NDArrays.concat(parts, 0);
			}
			catch (final RuntimeException | OutOfMemoryError e) {
				if (!isOutOfMemory(e)) throw e;
				final int tried = Math.min(chunk, batch);
				if (tried <= 1) throw new IllegalStateException("out of memory on " + x.getDevice() + " even for one" +
					" image at a time (" + message(e) + "); use a smaller model, a larger device or the CPU", e);
				chunk = tried / 2;
				log.accept(String.format(Locale.ROOT, "out of memory on %s with %d image(s) per network call; retrying" +
					" with %d", x.getDevice(), tried, chunk));
			}
		}
	}

	private void checkCancelled(final int done, final int batch) {
		if (done > 0 && (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()))
			throw new SamplingCancelledException("cancelled during a network call, after " + done + " of its " +
				batch + " images");
	}

	/** libtorch's CPU and CUDA allocators, and the JVM, word it differently. */
	static boolean isOutOfMemory(final Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause()) {
			if (t instanceof OutOfMemoryError) return true;
			final String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
			if (m.contains("out of memory") || m.contains("can't allocate memory") || m.contains(
				"cannot allocate memory") || m.contains("failed to allocate")) return true;
		}
		return false;
	}

	private static String message(final Throwable e) {
		final String m = e.getMessage();
		return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
	}
}
