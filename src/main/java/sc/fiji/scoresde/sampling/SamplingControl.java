package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;

import java.util.function.BooleanSupplier;

/** Progress, cancellation and observation of one sampling run, shared by all samplers. */
public final class SamplingControl {

	private SamplingListener listener = SamplingListener.NONE;
	private BooleanSupplier cancelled = () -> false;
	private TrajectoryObserver observer;
	private int calls;
	private int total = -1;

	public SamplingControl listener(final SamplingListener l) {
		this.listener = l == null ? SamplingListener.NONE : l;
		return this;
	}

	public SamplingControl cancelledWhen(final BooleanSupplier c) {
		this.cancelled = c == null ? () -> false : c;
		return this;
	}

	public SamplingControl observer(final TrajectoryObserver o) {
		this.observer = o;
		return this;
	}

	/** Sets the number of calls to report as total (−1: unknown, for adaptive samplers). */
	public void expect(final int totalCalls) {
		this.total = totalCalls;
	}

	/** Network calls made so far in this run. */
	public int calls() {
		return calls;
	}

	/** One network call: checks for cancellation first, reports after. */
	public NDArray call(final ScoreModel model, final NDArray x, final float sigma) {
		return call(() -> model.score(x, sigma));
	}

	/** Any work that counts as one network call (e.g. a score with its vector–Jacobian product), as {@link #call}. */
	public <T> T call(final java.util.function.Supplier<T> work) {
		if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
			throw new SamplingCancelledException(calls, total);
		}
		final T result = work.get();
		calls++;
		listener.networkCallDone(calls, total > 0 ? Math.max(total, calls) : -1);
		return result;
	}

	/**
	 * Tweedie's formula x + σ²·s(x, σ) as one network call of its own (cancellable, counted): for the true score the
	 * posterior mean of the clean image given x = clean + σ·z.
	 */
	public NDArray tweedie(final ScoreModel model, final NDArray x, final float sigma) {
		expect(calls + 1);
		return x.add(call(model, x, sigma).mul(sigma * sigma));
	}

	public void reached(final double sigma, final double fraction) {
		listener.noiseLevelReached(sigma, Math.max(0, Math.min(1, fraction)));
	}

	void observe(final String name, final NDArray value) {
		if (observer != null) observer.observe(name, value);
	}
}
