package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import sc.fiji.scoresde.errors.InvalidOptionException;

/**
 * Posterior sampling for a linear observation y = A·x + σ_y·ε with sequential Monte Carlo: MCGdiff (Cardoso, Janati,
 * Le Corff and Moulines, "Monte Carlo guided diffusion for Bayesian linear inverse problems", ICLR 2024), written for
 * the VE SDE. Chosen over TDS (Wu et al. 2023), whose twisting needs the network's gradient at every step (about three
 * times a call's cost here, and autograd through the UNet), and over FPS-SMC (Dou and Song 2024), which first runs a
 * second backward chain to make a sequence of noisy observations and then filters with the same Gaussian updates:
 * MCGdiff needs one network call per step for all particles and is consistent as the number of particles grows.
 *
 * <p>In the SVD basis of A (here written down directly, see {@link LinearObservation}) the observed coordinates of x
 * are ȳ = y/s (s the singular value). A noisy observation is the same as an exact one made at diffusion level
 * τ = σ_y/s: y/s = x̄_obs(τ). So for σ ≥ τ the observed coordinates of x_σ given y are N(ȳ, σ² − τ²); the particles
 * follow the ancestral (SMLD) backward kernel, their observed coordinates are drawn from its product with that
 * potential, and each particle is weighted by the kernel's predictive density of the potential over the previous
 * potential. At τ the observed coordinates become ȳ; below τ (noisy observations) the chain is the plain prior's. The
 * last network call gives the noise-free estimate (Tweedie), as the other samplers' last step does.
 */
public final class McgDiffSampler {

	/** The weighted particles of one run and what the filter did. */
	public static final class Result {

		/** (N, C, H, W) final samples, in the manager given to the run */
		public final NDArray particles;
		/** N normalized weights */
		public final double[] weights;
		/** the effective sample size after each conditioned step, before any resampling */
		public final double[] ess;
		/** how many times the particles were resampled */
		public final int resamplings;
		public final int calls;

		Result(final NDArray particles, final double[] weights, final double[] ess, final int resamplings,
			final int calls)
		{
			this.particles = particles;
			this.weights = weights;
			this.ess = ess;
			this.resamplings = resamplings;
			this.calls = calls;
		}

		/** The smallest effective sample size of the run. */
		public double minEss() {
			double m = Double.POSITIVE_INFINITY;
			for (final double e : ess)
				m = Math.min(m, e);
			return ess.length == 0 ? weights.length : m;
		}
	}

	/** Resample when the effective sample size falls below this share of the particles. */
	public static final double RESAMPLE_BELOW = 0.5;

	private final VeSde sde;
	private final int steps;
	private final int particles;

	/**
	 * @param steps σ levels from σmax to σmin (one network call each; one more when τ is added to the ladder)
	 * @param particles N, one batch per network call
	 */
	public McgDiffSampler(final VeSde sde, final int steps, final int particles) {
		if (steps < 2) throw new InvalidOptionException("the particle sampler needs at least 2 steps, not " + steps);
		if (particles < 1) throw new InvalidOptionException("particles must be at least 1, not " + particles);
		this.sde = sde;
		this.steps = steps;
		this.particles = particles;
	}

	/** The σ ladder of a run: σmax … σmin, with τ inserted where it lies strictly inside. */
	public double[] ladder(final double tau) {
		final double[] up = sde.discreteSigmas(steps);
		final List<Double> down = new ArrayList<>();
		for (int i = up.length - 1; i >= 0; i--) {
			if (tau > up[i] && (down.isEmpty() || tau < down.get(down.size() - 1))) down.add(tau);
			down.add(up[i]);
		}
		return down.stream().mapToDouble(Double::doubleValue).toArray();
	}

	/**
	 * @param y the observation of one image, (1, observed shape)
	 * @param sigmaY the observation noise σ_y ≥ 0 (0: exact)
	 * @param random draws the resampling offsets (reproducible from the run's seed)
	 */
	public Result sample(final ScoreModel model, final NDManager manager, final LinearObservation observation,
		final NDArray y, final double sigmaY, final Shape image, final NoiseSource noise, final SplittableRandom random,
		final SamplingControl control)
	{
		if (!(sigmaY >= 0 && Double.isFinite(sigmaY))) throw new InvalidOptionException("the observation noise " +
			"sigma_y must be a finite number ≥ 0, not " + sigmaY);
		final double root = Math.sqrt(observation.groupSize());
		final double tau = sigmaY * root;
		if (tau >= sde.sigmaMax) throw new InvalidOptionException(String.format(java.util.Locale.ROOT,
			"sigma_y %.4g is too large for this model: the observation is noisier (%.4g in its coordinates) than the " +
				"model's sigma_max %.4g, so it says nothing the prior does not", sigmaY, tau, sde.sigmaMax));
		final double[] sigmas = ladder(tau);
		control.expect(sigmas.length);
		final Shape batch = new Shape(particles, image.get(0), image.get(1), image.get(2));
		final double[] logW = new double[particles];
		final List<Double> essTrace = new ArrayList<>();
		int resamplings = 0;
		boolean conditioned = true;
		final NDArray yBar = observation.restrict(y).mul((float) root);
		yBar.attach(manager);
		NDArray x;
		try (NDManager step = manager.newSubManager()) {
			// the prior at σmax times the potential N(ȳ, σmax² − τ²) on the observed coordinates
			final double s0 = sigmas[0] * sigmas[0], c0 = s0 - tau * tau;
			final NDArray z = noise.normal(step, batch);
			final NDArray start = z.mul((float) sigmas[0]);
			final double precision = 1 / s0 + 1 / c0;
			final NDArray target = yBar.mul((float) (1 / (c0 * precision))).add(observation.coordinates(z).mul(
				(float) (1 / Math.sqrt(precision))));
			x = setObserved(observation, start, target);
			x.attach(manager);
		}
		for (int i = 0; i + 1 < sigmas.length; i++) {
			final double a = sigmas[i], b = sigmas[i + 1];
			try (NDManager step = manager.newSubManager()) {
				x.tempAttach(step);
				final NDArray score = control.call(model, x, (float) a);
				final double a2 = a * a, b2 = b * b;
				final NDArray mean = x.add(score.mul((float) (a2 - b2)));
				final double v = b2 * (a2 - b2) / a2;
				final NDArray z = noise.normal(step, batch);
				NDArray next = mean.add(z.mul((float) Math.sqrt(v)));
				if (conditioned) {
					final double ca = a2 - tau * tau, cb = Math.max(0, b2 - tau * tau);
					final NDArray meanObs = observation.coordinates(mean);
					final double[] predictive = squaredDistances(meanObs, yBar);
					final double[] previous = squaredDistances(observation.coordinates(x), yBar);
					for (int p = 0; p < particles; p++)
						logW[p] += -predictive[p] / (2 * (v + cb)) + previous[p] / (2 * ca);
					final NDArray target;
					if (cb > 0) {
						final double precision = 1 / v + 1 / cb;
						target = meanObs.mul((float) (1 / (v * precision))).add(yBar.mul((float) (1 / (cb * precision))))
							.add(observation.coordinates(z).mul((float) (1 / Math.sqrt(precision))));
					}
					else target = yBar.broadcast(meanObs.getShape());
					next = setObserved(observation, next, target);
					if (cb == 0) conditioned = false;
					final double ess = ess(logW);
					essTrace.add(ess);
					if (ess < RESAMPLE_BELOW * particles) {
						next = next.get(new NDIndex("{}", step.create(systematic(logW, random))));
						java.util.Arrays.fill(logW, 0);
						resamplings++;
					}
				}
				next.attach(manager);
				x = next;
			}
			control.reached(b, (i + 1) / (double) sigmas.length);
		}
		final NDArray out;
		try (NDManager step = manager.newSubManager()) {
			x.tempAttach(step);
			final double last = sigmas[sigmas.length - 1];
			NDArray estimate = x.add(control.call(model, x, (float) last).mul((float) (last * last)));
			if (conditioned) estimate = setObserved(observation, estimate, yBar.broadcast(observation.coordinates(
				estimate).getShape()));
			estimate.attach(manager);
			out = estimate;
		}
		control.reached(0, 1);
		return new Result(out, normalized(logW), essTrace.stream().mapToDouble(Double::doubleValue).toArray(),
			resamplings, sigmas.length);
	}

	private static NDArray setObserved(final LinearObservation observation, final NDArray x, final NDArray target) {
		return x.add(observation.spread(target.sub(observation.coordinates(x))));
	}

	/** Σ over the observed coordinates of (u − ȳ)², one value per particle. */
	private static double[] squaredDistances(final NDArray coordinates, final NDArray yBar) {
		final NDArray d = coordinates.sub(yBar);
		final Shape s = d.getShape();
		final float[] v = d.square().reshape(s.get(0), s.size() / s.get(0)).sum(new int[] { 1 }).toFloatArray();
		final double[] out = new double[v.length];
		for (int i = 0; i < v.length; i++)
			out[i] = v[i];
		return out;
	}

	static double[] normalized(final double[] logW) {
		double max = Double.NEGATIVE_INFINITY;
		for (final double l : logW)
			max = Math.max(max, l);
		final double[] w = new double[logW.length];
		double total = 0;
		for (int i = 0; i < w.length; i++) {
			w[i] = Math.exp(logW[i] - max);
			total += w[i];
		}
		for (int i = 0; i < w.length; i++)
			w[i] /= total;
		return w;
	}

	static double ess(final double[] logW) {
		final double[] w = normalized(logW);
		double s = 0;
		for (final double v : w)
			s += v * v;
		return 1 / s;
	}

	/** Systematic resampling: N indices drawn with one uniform offset, particle i taken about N·w_i times. */
	static long[] systematic(final double[] logW, final SplittableRandom random) {
		final double[] w = normalized(logW);
		final int n = w.length;
		final long[] out = new long[n];
		final double u = random.nextDouble() / n;
		double cumulative = w[0];
		int j = 0;
		for (int i = 0; i < n; i++) {
			final double point = u + i / (double) n;
			while (point > cumulative && j < n - 1)
				cumulative += w[++j];
			out[i] = j;
		}
		return out;
	}

	/** The weighted mean and standard deviation per pixel of the particles (N, C, H, W), flattened C·H·W. */
	public static double[][] moments(final float[] particles, final double[] weights) {
		final int n = weights.length, d = particles.length / n;
		final double[] mean = new double[d], std = new double[d];
		for (int p = 0; p < n; p++)
			for (int j = 0; j < d; j++)
				mean[j] += weights[p] * particles[p * d + j];
		for (int p = 0; p < n; p++)
			for (int j = 0; j < d; j++) {
				final double e = particles[p * d + j] - mean[j];
				std[j] += weights[p] * e * e;
			}
		for (int j = 0; j < d; j++)
			std[j] = Math.sqrt(std[j]);
		return new double[][] { mean, std };
	}
}
