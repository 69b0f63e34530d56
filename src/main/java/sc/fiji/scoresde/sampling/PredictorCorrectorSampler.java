package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.function.BooleanSupplier;

/**
 * The predictor–corrector loop of diffusers' {@code ScoreSdeVePipeline.__call__}: x = z·σmax, then per step
 * {@code correct_steps} Langevin corrections and one reverse-diffusion prediction, each after a network call; the
 * result is the last predictor mean clamped to [0, 1]. Noise is drawn in the reference's order: the initial noise,
 * then per step the corrector noises and the predictor noise.
 *
 * <p>Each step's arrays live in a sub-manager that is closed at the end of the step, so memory stays flat over
 * thousands of steps; only the current sample survives a step.
 */
public final class PredictorCorrectorSampler {

	private final SchedulerConfig config;
	private SamplingListener listener = SamplingListener.NONE;
	private BooleanSupplier cancelled = () -> false;
	private TrajectoryObserver observer;

	public PredictorCorrectorSampler(final SchedulerConfig config) {
		config.validate("scheduler config");
		this.config = config.copy();
	}

	public PredictorCorrectorSampler listener(final SamplingListener l) {
		this.listener = l == null ? SamplingListener.NONE : l;
		return this;
	}

	/** Checked before every network call; when it answers true the run stops with {@link SamplingCancelledException}. */
	public PredictorCorrectorSampler cancelledWhen(final BooleanSupplier c) {
		this.cancelled = c == null ? () -> false : c;
		return this;
	}

	public PredictorCorrectorSampler observer(final TrajectoryObserver o) {
		this.observer = o;
		return this;
	}

	/** Network calls a run of {@code steps} steps makes. */
	public int networkCalls(final int steps) {
		return Math.multiplyExact(steps, config.correctSteps + 1);
	}

	/**
	 * Runs the loop.
	 *
	 * @param manager owns the result; intermediates are freed per step
	 * @param shape (B, C, H, W)
	 * @return the images, (B, C, H, W) float32 in [0, 1]
	 */
	public NDArray sample(final ScoreModel model, final NDManager manager, final Shape shape, final int steps,
		final NoiseSource noise)
	{
		if (steps < 1) throw new IllegalArgumentException("number of steps must be ≥ 1, got " + steps);
		final ScoreSdeVeScheduler scheduler = new ScoreSdeVeScheduler(config);
		final int total = networkCalls(steps);
		int calls = 0;
		NDArray x;
		try (NDManager first = manager.newSubManager()) {
			final NDArray z = noise.normal(first, shape);
			observe("init_noise", z);
			x = z.mul(scheduler.initNoiseSigma());
			x.attach(manager);
		}
		scheduler.setTimesteps(steps);
		scheduler.setSigmas(steps);
		final float[] timesteps = scheduler.timesteps();
		final float[] sigmas = scheduler.sigmas();
		NDArray mean = null;
		for (int i = 0; i < steps; i++) {
			try (NDManager step = manager.newSubManager()) {
				x.attach(step);
				if (mean != null) mean.attach(step);
				for (int c = 0; c < config.correctSteps; c++) {
					checkCancelled(calls, total);
					final NDArray score = model.score(x, sigmas[i]);
					listener.networkCallDone(++calls, total);
					final CountingNoise counted = new CountingNoise(noise);
					x = scheduler.stepCorrect(score, x, counted);
					final String prefix = "step" + i + ".correct" + c + ".";
					observe(prefix + "model_output", score);
					observe(prefix + "noise", counted.last);
					observe(prefix + "sample", x);
				}
				checkCancelled(calls, total);
				final NDArray score = model.score(x, sigmas[i]);
				listener.networkCallDone(++calls, total);
				final CountingNoise counted = new CountingNoise(noise);
				final ScoreSdeVeScheduler.PredictorOutput out = scheduler.stepPred(score, timesteps[i], x, counted);
				observe("step" + i + ".pred.model_output", score);
				observe("step" + i + ".pred.noise", counted.last);
				observe("step" + i + ".pred.sample", out.prevSample);
				observe("step" + i + ".pred.sample_mean", out.prevSampleMean);
				x = out.prevSample;
				mean = out.prevSampleMean;
				x.attach(manager);
				mean.attach(manager);
			}
		}
		final NDArray images = mean.clip(0f, 1f);
		x.close();
		mean.close();
		return images;
	}

	private void checkCancelled(final int calls, final int total) {
		if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
			throw new SamplingCancelledException(calls, total);
		}
	}

	private void observe(final String name, final NDArray value) {
		if (observer != null) observer.observe(name, value);
	}

	/** Remembers the last draw so that observers can see the noise the scheduler used. */
	private static final class CountingNoise implements NoiseSource {

		private final NoiseSource inner;
		NDArray last;

		CountingNoise(final NoiseSource inner) {
			this.inner = inner;
		}

		@Override
		public NDArray normal(final NDManager manager, final Shape shape) {
			last = inner.normal(manager, shape);
			return last;
		}
	}
}
