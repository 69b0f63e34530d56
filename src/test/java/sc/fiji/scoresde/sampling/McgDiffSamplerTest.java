package sc.fiji.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.errors.InvalidOptionException;

/**
 * The particle sampler against exact posteriors: a Gaussian-mixture prior with full covariances has a closed-form
 * score and a closed-form posterior for every linear observation, so the weighted particles' per-pixel mean and
 * standard deviation can be compared with the truth, for each kind of observation, exact and noisy.
 */
class McgDiffSamplerTest {

	static NDManager manager;
	/** the sampler's guess of the data's pixel mean and variance */
	static double[] guess = { 0.5, 0.25 };

	@BeforeAll
	static void start() {
		manager = NDManager.newBaseManager(Device.cpu());
	}

	@AfterAll
	static void stop() {
		manager.close();
	}

	/** Three modes in C·H·W dimensions, strongly correlated covariances, means about one apart. */
	static GaussianMixture prior(final int d, final long seed) {
		final Random r = new Random(seed);
		final double[][] means = new double[3][d];
		final double[][][] cov = new double[3][d][d];
		for (int k = 0; k < 3; k++) {
			final double[][] l = new double[d][d];
			for (int i = 0; i < d; i++) {
				means[k][i] = 0.5 + 0.6 * r.nextGaussian();
				for (int j = 0; j < d; j++)
					l[i][j] = 0.12 * r.nextGaussian();
			}
			for (int i = 0; i < d; i++)
				for (int j = 0; j < d; j++) {
					double s = i == j ? 0.004 : 0;
					for (int m = 0; m < d; m++)
						s += l[i][m] * l[j][m];
					cov[k][i][j] = s;
				}
		}
		return new GaussianMixture(new double[] { 0.5, 0.3, 0.2 }, means, cov);
	}

	/** Largest error of the particles' mean and std per coordinate, in units of the exact posterior's std. */
	static double[] errors(final GaussianMixture prior, final LinearObservation op, final float[] truth,
		final double sigmaY, final int channels, final int size, final int particles, final int steps, final long seed)
	{
		final int d = truth.length;
		final Random r = new Random(seed);
		// y = A·truth + σ_y·ε
		final double[][] a = op.matrix();
		final Shape obs = op.observedShape();
		final float[] yFull = new float[(int) obs.size()];
		try (NDManager m = manager.newSubManager()) {
			final NDArray t = m.create(truth, new Shape(1, channels, size, size));
			final float[] clean = op.apply(t).toFloatArray();
			for (int i = 0; i < clean.length; i++)
				yFull[i] = (float) (clean[i] + sigmaY * r.nextGaussian());
		}
		final GaussianMixture posterior = prior.posterior(a, sigmaY * sigmaY, op.knownValues(yFull));
		final double[] exactMean = new double[d], exactStd = new double[d];
		for (int k = 0; k < posterior.modes(); k++)
			for (int i = 0; i < d; i++) {
				exactMean[i] += posterior.weights[k] * posterior.means[k][i];
				exactStd[i] += posterior.weights[k] * (posterior.covariances[k][i][i] + posterior.means[k][i] *
					posterior.means[k][i]);
			}
		for (int i = 0; i < d; i++)
			exactStd[i] = Math.sqrt(Math.max(0, exactStd[i] - exactMean[i] * exactMean[i]));
		try (NDManager m = manager.newSubManager()) {
			final SchedulerConfig c = new SchedulerConfig();
			c.sigmaMin = 0.01;
			c.sigmaMax = 5;
			final McgDiffSampler sampler = new McgDiffSampler(VeSde.of(c), steps, particles).dataGuess(guess[0], guess[1]);
			final NDArray y = m.create(yFull, new Shape(1, obs.get(0), obs.get(1), obs.get(2)));
			final McgDiffSampler.Result result = sampler.sample(prior.score(m), m, op, y, sigmaY, new Shape(channels, size,
				size), new TorchNoise(seed), new SplittableRandom(seed), new SamplingControl());
			final double[][] moments = McgDiffSampler.moments(result.particles.toFloatArray(), result.weights);
			double meanError = 0, stdError = 0, scale = 0;
			for (int i = 0; i < d; i++)
				scale = Math.max(scale, exactStd[i]);
			for (int i = 0; i < d; i++) {
				meanError = Math.max(meanError, Math.abs(moments[0][i] - exactMean[i]));
				stdError = Math.max(stdError, Math.abs(moments[1][i] - exactStd[i]));
			}
			System.out.printf("%s sigma_y=%.2f N=%d steps=%d: max |Δmean| %.4f, max |Δstd| %.4f (largest exact std %.4f," +
				" min ESS %.0f, %d resamplings)%n", op.kind, sigmaY, particles, steps, meanError, stdError, scale, result
					.minEss(), result.resamplings);
			return new double[] { meanError / scale, stdError / scale };
		}
	}

	/** Exact observations: every final particle's observed values are y itself, for each kind of observation. */
	@Test
	void exactObservationsHoldForEveryParticle() {
		final float[] known = new float[16];
		for (int i = 0; i < 16; i++)
			known[i] = i % 4 < 2 ? 1 : 0;
		final LinearObservation[] ops = { LinearObservation.knownPixels(known, 3, 4, 4), LinearObservation.grey(3, 4, 4),
			LinearObservation.pooling(2, 3, 4, 4) };
		final GaussianMixture prior = prior(48, 15);
		for (final LinearObservation op : ops)
			try (NDManager m = manager.newSubManager()) {
				final NDArray truth = m.create(prior.sample(1, 16), new Shape(1, 3, 4, 4));
				final NDArray y = op.apply(truth);
				final McgDiffSampler.Result r = new McgDiffSampler(VeSde.of(new SchedulerConfig()), 20, 8).sample(prior
					.score(m), m, op, y, 0, new Shape(3, 4, 4), new TorchNoise(17), new SplittableRandom(17),
					new SamplingControl());
				final float[] seen = op.apply(r.particles).toFloatArray(), want = y.broadcast(op.apply(r.particles)
					.getShape()).toFloatArray();
				for (int i = 0; i < seen.length; i++)
					assertEquals(want[i], seen[i], 1e-5, op.kind + " value " + i);
				assertEquals(20, r.calls);
			}
	}

	/**
	 * The last step goes to the data: around the noise-free estimate with spread σmin, not the estimate alone. On a
	 * prior that is one point (variance 1e-8) the unobserved values then spread by σmin = 0.01 about it, and the
	 * observed ones are the observation itself.
	 */
	@Test
	void theLastStepDrawsAroundTheNoiseFreeEstimateWithSpreadSigmaMin() {
		final int d = 16;
		final double[][] mean = new double[1][d];
		final double[][][] cov = new double[1][d][d];
		for (int i = 0; i < d; i++) {
			mean[0][i] = 0.3 + 0.02 * i;
			cov[0][i][i] = 1e-8;
		}
		final GaussianMixture point = new GaussianMixture(new double[] { 1 }, mean, cov);
		final float[] known = new float[d];
		for (int i = 0; i < d; i++)
			known[i] = i % 4 < 2 ? 1 : 0;
		final LinearObservation op = LinearObservation.knownPixels(known, 1, 4, 4);
		final SchedulerConfig c = new SchedulerConfig();
		c.sigmaMin = 0.01;
		c.sigmaMax = 5;
		try (NDManager m = manager.newSubManager()) {
			final NDArray y = op.apply(m.create(point.sample(1, 3), new Shape(1, 1, 4, 4)));
			final McgDiffSampler.Result r = new McgDiffSampler(VeSde.of(c), 30, 64).sample(point.score(m), m, op, y, 0,
				new Shape(1, 4, 4), new TorchNoise(5), new SplittableRandom(5), new SamplingControl());
			final float[] x = r.particles.toFloatArray();
			double sq = 0;
			int free = 0;
			for (int p = 0; p < 64; p++)
				for (int i = 0; i < d; i++) {
					if (known[i] != 0) assertEquals(mean[0][i], x[p * d + i], 1e-3, "observed value " + i);
					else {
						sq += Math.pow(x[p * d + i] - mean[0][i], 2);
						free++;
					}
				}
			final double spread = Math.sqrt(sq / free);
			// measured 0.0099; the estimate alone gave 0.0000
			assertTrue(spread > 0.008 && spread < 0.012, "spread of the unobserved values " + spread);
			// one effective sample size per step between the 30 levels and one for the step to the data
			assertEquals(30, r.ess.length);
		}
	}

	@Test
	void noisyObservationsMatchTheExactPosterior() {
		final GaussianMixture prior = prior(16, 10);
		// the same run with replacement-like bias would be off by a good part of the posterior's std
		final double[] e = errors(prior, LinearObservation.allPixels(1, 4, 4), prior.sample(1, 11), 0.2, 1, 4, 2000, 100,
			12);
		assertTrue(e[0] < 0.1 && e[1] < 0.1, "errors " + e[0] + ", " + e[1]);
	}

	@Test
	void ladderInsertsTheObservationLevel() {
		final SchedulerConfig c = new SchedulerConfig();
		c.sigmaMin = 0.01;
		c.sigmaMax = 5;
		final double[] l = new McgDiffSampler(VeSde.of(c), 10, 2).ladder(0.3);
		assertEquals(11, l.length);
		for (int i = 1; i < l.length; i++)
			assertTrue(l[i] < l[i - 1], "ladder must fall: " + java.util.Arrays.toString(l));
		assertTrue(java.util.Arrays.stream(l).anyMatch(s -> s == 0.3));
		assertEquals(10, new McgDiffSampler(VeSde.of(c), 10, 2).ladder(0).length);
	}

	@Test
	void badObservationsAreRefusedWithASentence() {
		assertTrue(assertThrows(InvalidOptionException.class, () -> LinearObservation.pooling(3, 1, 28, 28))
			.getMessage().contains("3×3"));
		assertTrue(assertThrows(InvalidOptionException.class, () -> LinearObservation.grey(1, 28, 28)).getMessage()
			.contains("3 channels"));
		final SchedulerConfig c = new SchedulerConfig();
		final McgDiffSampler s = new McgDiffSampler(VeSde.of(c), 10, 2);
		try (NDManager m = manager.newSubManager()) {
			final NDArray y = m.zeros(new Shape(1, 1, 2, 2));
			assertTrue(assertThrows(InvalidOptionException.class, () -> s.sample(null, m, LinearObservation.allPixels(1,
				2, 2), y, -0.1, new Shape(1, 2, 2), new TorchNoise(1), new SplittableRandom(1), new SamplingControl()))
				.getMessage().contains("sigma_y"));
		}
	}
}
