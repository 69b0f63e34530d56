package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.scoresde.errors.InvalidOptionException;

/**
 * The predictor–corrector loop of diffusers' {@code ScoreSdeVePipeline.__call__}, exactly: x = z·σmax, then per step
 * {@code correct_steps} Langevin corrections and one reverse-diffusion prediction, each after a network call, all
 * through {@link ScoreSdeVeScheduler}'s float32 arithmetic; the result is the last predictor mean. Noise is drawn in
 * the reference's order: the initial noise, then per step the corrector noises and the predictor noise.
 *
 * <p>Each step's arrays live in a sub-manager that is closed at the end of the step, so memory stays flat over
 * thousands of steps; only the current sample survives a step.
 */
public final class PredictorCorrectorSampler implements Sampler {

	private final SchedulerConfig config;
	private final int steps;

	public PredictorCorrectorSampler(final SchedulerConfig config, final int steps) {
		config.validate("scheduler config");
		if (steps < 1) throw new IllegalArgumentException("number of steps must be ≥ 1, got " + steps);
		this.config = config.copy();
		this.steps = steps;
	}

	@Override
	public String name() {
		return "pc";
	}

	@Override
	public int plannedCalls() {
		return Math.multiplyExact(steps, config.correctSteps + 1);
	}

	@Override
	public int plannedCalls(final Conditioning conditioning) {
		final int perStep = config.correctSteps + 1;
		final int r = conditioning.resamplings();
		final long calls = (long) (steps - 1) * perStep * (r + 1) + perStep;
		if (calls > Integer.MAX_VALUE) throw new InvalidOptionException(String.format(java.util.Locale.ROOT,
			"%d steps of %d network calls, each step redone %d times, make %,d calls, more than a run can count " +
				"(%,d); use fewer steps, corrector steps or resamplings", steps, perStep, r, calls, Integer.MAX_VALUE));
		return (int) calls;
	}

	/**
	 * Under a conditioning that is not {@link Conditioning#NONE}: the first sample is {@code begin(z·σmax)}, every
	 * corrector and predictor update is followed by {@code project} at the σ of the step's timestep (score_sde's
	 * controllable_generation.py projects both updates of a step at the same t, and so do we), and with resampling
	 * the predictor's noise g·z is added back and the step redone, except at the last step.
	 */
	@Override
	public NDArray sample(final ScoreModel model, final NDManager manager, final Shape shape, final NoiseSource noise,
		final SamplingControl control, final Conditioning conditioning)
	{
		final boolean plain = conditioning.isNone();
		control.expect(plannedCalls(conditioning));
		final ScoreSdeVeScheduler scheduler = new ScoreSdeVeScheduler(config);
		NDArray x;
		try (NDManager first = manager.newSubManager()) {
			final NDArray z = noise.normal(first, shape);
			control.observe("init_noise", z);
			x = z.mul(scheduler.initNoiseSigma());
			if (!plain) x = conditioning.begin(manager, x, config.sigmaMax);
			x.attach(manager);
		}
		scheduler.setTimesteps(steps);
		scheduler.setSigmas(steps);
		final float[] timesteps = scheduler.timesteps();
		final float[] sigmas = scheduler.sigmas();
		NDArray mean = null;
		for (int i = 0; i < steps; i++) {
			final int rounds = i == steps - 1 ? 1 : 1 + conditioning.resamplings();
			for (int round = 0; round < rounds; round++) {
				try (NDManager step = manager.newSubManager()) {
					x.attach(step);
					if (mean != null) mean.attach(step);
					if (round > 0) x = x.add(noise.normal(step, shape).mul(scheduler.diffusion(timesteps[i])));
					for (int c = 0; c < config.correctSteps; c++) {
						final NDArray score = control.call(model, x, sigmas[i]);
						final RecordingNoise drawn = new RecordingNoise(noise);
						x = scheduler.stepCorrect(score, x, drawn);
						final String prefix = "step" + i + ".correct" + c + ".";
						control.observe(prefix + "model_output", score);
						control.observe(prefix + "noise", drawn.last);
						control.observe(prefix + "sample", x);
						if (!plain) x = conditioning.project(x, sigmas[i], noise);
					}
					final NDArray score = control.call(model, x, sigmas[i]);
					final RecordingNoise drawn = new RecordingNoise(noise);
					final ScoreSdeVeScheduler.PredictorOutput out = scheduler.stepPred(score, timesteps[i], x, drawn);
					control.observe("step" + i + ".pred.model_output", score);
					control.observe("step" + i + ".pred.noise", drawn.last);
					control.observe("step" + i + ".pred.sample", out.prevSample);
					control.observe("step" + i + ".pred.sample_mean", out.prevSampleMean);
					x = plain ? out.prevSample : conditioning.project(out.prevSample, sigmas[i], noise);
					mean = out.prevSampleMean;
					x.attach(manager);
					mean.attach(manager);
				}
			}
		}
		x.close();
		if (plain) return mean;
		return Conditioning.finishInto(manager, conditioning, mean);
	}
}
