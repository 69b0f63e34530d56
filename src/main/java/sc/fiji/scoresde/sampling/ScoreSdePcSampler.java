package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The predictor–corrector samplers of the paper's code (score_sde_pytorch sampling.py) for the VE SDE, in double
 * precision scalars: predictors reverse diffusion, Euler–Maruyama and ancestral sampling; correctors Langevin
 * (snr-controlled step) and annealed Langevin dynamics (NCSN's, step (snr·σ)²·2); either may be left out. The grid
 * is t = linspace(1, ε, N); the network is called with σ(t).
 */
public final class ScoreSdePcSampler implements Sampler {

	public enum Predictor {
		REVERSE_DIFFUSION, EULER_MARUYAMA, ANCESTRAL, NONE
	}

	public enum Corrector {
		LANGEVIN, ANNEALED_LANGEVIN, NONE
	}

	private final VeSde sde;
	private final Predictor predictor;
	private final Corrector corrector;
	private final int steps;
	private final int correctorSteps;
	private final double snr;
	private final String name;

	public ScoreSdePcSampler(final String name, final VeSde sde, final Predictor predictor,
		final Corrector corrector, final int steps, final int correctorSteps, final double snr)
	{
		if (steps < 1) throw new IllegalArgumentException("number of steps must be ≥ 1, got " + steps);
		if (predictor == Predictor.NONE && (corrector == Corrector.NONE || correctorSteps < 1)) {
			throw new IllegalArgumentException("a sampler needs a predictor or a corrector");
		}
		this.name = name;
		this.sde = sde;
		this.predictor = predictor;
		this.corrector = corrector;
		this.steps = steps;
		this.correctorSteps = corrector == Corrector.NONE ? 0 : correctorSteps;
		this.snr = snr;
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public int plannedCalls() {
		return steps * (correctorSteps + (predictor == Predictor.NONE ? 0 : 1));
	}

	@Override
	public NDArray sample(final ScoreModel model, final NDManager manager, final Shape shape, final NoiseSource noise,
		final SamplingControl control, final Conditioning conditioning)
	{
		final boolean plain = conditioning.isNone();
		if (conditioning.resamplings() > 0) throw new IllegalArgumentException("resampling is done by the pc " +
			"sampler only, not by " + name);
		control.expect(plannedCalls());
		final double[] discrete = sde.discreteSigmas(steps);
		NDArray x;
		try (NDManager first = manager.newSubManager()) {
			x = noise.normal(first, shape).mul((float) sde.sigmaMax);
			if (!plain) x = conditioning.begin(manager, x, sde.sigmaMax);
			x.attach(manager);
		}
		NDArray mean = x;
		for (int i = 0; i < steps; i++) {
			final double t = steps == 1 ? 1 : 1 + i * (sde.eps - 1) / (steps - 1);
			final float sigmaT = (float) sde.sigma(t);
			try (NDManager step = manager.newSubManager()) {
				x.attach(step);
				if (mean != x) mean.attach(step);
				for (int c = 0; c < correctorSteps; c++) {
					final NDArray score = control.call(model, x, sigmaT);
					final NDArray z = noise.normal(x.getManager(), shape);
					final float stepSize;
					if (corrector == Corrector.LANGEVIN) {
						final double ratio = snr * ScoreSdeVeScheduler.meanNorm(z) / ScoreSdeVeScheduler.meanNorm(score);
						stepSize = (float) (2 * ratio * ratio);
					}
					else stepSize = (float) (2 * snr * snr * sigmaT * sigmaT);
					mean = x.add(score.mul(stepSize));
					x = mean.add(z.mul((float) Math.sqrt(2 * stepSize)));
					// score_sde's controllable_generation.py: both updates of a step are projected at the step's t
					if (!plain) x = conditioning.project(x, sigmaT, noise);
				}
				if (predictor != Predictor.NONE) {
					final NDArray score = control.call(model, x, sigmaT);
					final NDArray z = noise.normal(x.getManager(), shape);
					final int index = (int) (t * (steps - 1));
					final double sigma = discrete[index];
					final double adjacent = index == 0 ? 0 : discrete[index - 1];
					switch (predictor) {
						case EULER_MARUYAMA: {
							final double dt = 1.0 / steps;
							final double g2 = sde.g2(t);
							mean = x.add(score.mul((float) (g2 * dt)));
							x = mean.add(z.mul((float) Math.sqrt(g2 * dt)));
							break;
						}
						case ANCESTRAL: {
							final double var = sigma * sigma - adjacent * adjacent;
							mean = x.add(score.mul((float) var));
							x = mean.add(z.mul((float) Math.sqrt(adjacent * adjacent * var / (sigma * sigma))));
							break;
						}
						default: {
							final double g2 = sigma * sigma - adjacent * adjacent;
							mean = x.add(score.mul((float) g2));
							x = mean.add(z.mul((float) Math.sqrt(g2)));
						}
					}
					if (!plain) x = conditioning.project(x, sigmaT, noise);
				}
				x.attach(manager);
				if (mean != x) mean.attach(manager);
			}
		}
		if (mean != x) x.close();
		if (plain) return mean;
		return Conditioning.finishInto(manager, conditioning, mean);
	}
}
