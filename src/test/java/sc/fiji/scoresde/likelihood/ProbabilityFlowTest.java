package sc.fiji.scoresde.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.sampling.GaussianMixture;
import sc.fiji.scoresde.sampling.SamplingCancelledException;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.VeSde;

/** Likelihoods and latent codes on the exact score of Gaussian mixtures, where log p_σ(x) is known in closed form. */
class ProbabilityFlowTest {

	private static NDManager manager;

	@BeforeAll
	static void open() {
		manager = NDManager.newBaseManager(Device.cpu());
	}

	@AfterAll
	static void close() {
		manager.close();
	}

	/** Three correlated dimensions, two modes whose covariances differ in shape (data of scale ~[0, 1]). */
	static GaussianMixture mixture() {
		final double[][] a = { { 0.010, 0.006, 0.002 }, { 0.006, 0.012, -0.004 }, { 0.002, -0.004, 0.008 } };
		final double[][] b = { { 0.020, -0.010, 0.0 }, { -0.010, 0.015, 0.003 }, { 0.0, 0.003, 0.005 } };
		return new GaussianMixture(new double[] { 0.4, 0.6 }, new double[][] { { 0.2, 0.3, 0.7 }, { 0.8, 0.6, 0.2 } },
			new double[][][] { a, b });
	}

	static final VeSde SDE = new VeSde(0.01, 10, 1e-5);

	/**
	 * With the exact divergence, log p_T(z) + ∫ div f dt equals the exact log p_ε(x) within 1e-3 nats/dim (the prior
	 * term taken as the true perturbed mixture at σmax so that only the integration is judged); with the N(0, σmax²)
	 * prior the difference is exactly that prior's mismatch.
	 */
	@Test
	void exactDivergenceGivesTheExactLogDensity() {
		final GaussianMixture g = mixture();
		final int n = 6, d = g.dims();
		final float[] x = g.sample(n, 3);
		final ProbabilityFlow flow = new ProbabilityFlow(g.score(manager), SDE, manager);
		final ProbabilityFlow.Options o = new ProbabilityFlow.Options();
		o.divergence = ProbabilityFlow.Divergence.EXACT;
		final ProbabilityFlow.Likelihood l = flow.likelihood(x, new Shape(n, d), o, new SamplingControl());
		double worst = 0;
		for (int i = 0; i < n; i++) {
			final double exact = g.logDensity(point(x, i, d), SDE.sigma(SDE.eps));
			final double truePrior = g.logDensity(point(l.latent, i, d), SDE.sigmaMax);
			final double estimate = truePrior + l.deltaLogp[i][0];
			worst = Math.max(worst, Math.abs(estimate - exact) / d);
			assertEquals(l.priorLogp[i] + l.deltaLogp[i][0], l.logp[i], 1e-12);
		}
		System.out.printf(Locale.ROOT, "exact divergence: worst |log p error| %.2e nats/dim, %d evaluations%n", worst,
			l.evaluations);
		assertTrue(worst < 1e-3, "worst error " + worst + " nats/dim");
		assertTrue(l.evaluations > 20 && (l.evaluations - 2) % 6 == 0, "scipy's count: 2 + 6 per attempt, " +
			l.evaluations);
	}

	/** Hutchinson with K Rademacher (or Gaussian) probes: the mean lies within 3 standard errors of the exact value. */
	@Test
	void hutchinsonEstimateIsWithinItsStandardError() {
		final GaussianMixture g = mixture();
		final int n = 4, d = g.dims();
		final float[] x = g.sample(n, 11);
		final ProbabilityFlow flow = new ProbabilityFlow(g.score(manager), SDE, manager);
		final double[] meanError = new double[2];
		for (final ProbabilityFlow.Divergence kind : new ProbabilityFlow.Divergence[] {
			ProbabilityFlow.Divergence.RADEMACHER, ProbabilityFlow.Divergence.GAUSSIAN })
		{
			final ProbabilityFlow.Options o = new ProbabilityFlow.Options();
			o.divergence = kind;
			o.probes = 64;
			o.seed = 5;
			final ProbabilityFlow.Likelihood l = flow.likelihood(x, new Shape(n, d), o, new SamplingControl());
			for (int i = 0; i < n; i++) {
				final double exact = g.logDensity(point(x, i, d), SDE.sigma(SDE.eps)) - g.logDensity(point(l.latent, i, d),
					SDE.sigmaMax) + l.priorLogp[i];
				final double exactBits = ProbabilityFlow.bitsPerDim(exact, d, 8);
				final double se = l.bitsStandardError[i];
				System.out.printf(Locale.ROOT, "%s image %d: exact %.4f bits/dim, estimate %.4f ± %.4f, %d evaluations%n",
					kind, i, exactBits, l.bitsPerDim[i], se, l.evaluations);
				assertTrue(se > 0 && Double.isFinite(se), "standard error " + se);
				meanError[kind.ordinal()] += se / n;
				assertTrue(Math.abs(l.bitsPerDim[i] - exactBits) < 3 * se + 1e-3, kind + " image " + i + ": " +
					l.bitsPerDim[i] + " vs exact " + exactBits + " (s.e. " + se + ")");
			}
		}
		// Rademacher's variance 2·Σ_{i≠j} J_ij² lacks Gaussian's 2·Σ_i J_ii²: here the diagonal dominates
		assertTrue(meanError[0] < meanError[1], "Rademacher s.e. " + meanError[0] + ", Gaussian " + meanError[1]);
	}

	/**
	 * 1-D Gaussian N(0, 0.1²) by hand: log p_ε(0.1) = −½ln(2π v) − 0.1²/(2v), v = 0.1² + σ(ε)²; bits/dim =
	 * −log p / ln 2 + 8. Centred at 0 so that the prior N(0, σmax²) differs from the true N(0, σmax² + 0.1²) by
	 * below 1e-5 nats (a mean μ would add about μ·z/σmax² ≈ μ/σmax).
	 */
	@Test
	void bitsPerDimOfAOneDimensionalGaussianByHand() {
		final VeSde sde = new VeSde(0.01, 50, 1e-5);
		final GaussianMixture g = new GaussianMixture(new double[] { 1 }, new double[][] { { 0 } }, new double[][][] {
			{ { 0.01 } } });
		final ProbabilityFlow flow = new ProbabilityFlow(g.score(manager), sde, manager);
		final ProbabilityFlow.Options o = new ProbabilityFlow.Options();
		o.divergence = ProbabilityFlow.Divergence.EXACT;
		final ProbabilityFlow.Likelihood l = flow.likelihood(new float[] { 0.1f }, new Shape(1, 1), o,
			new SamplingControl());
		final double s = sde.sigma(sde.eps), v = 0.01 + s * s;
		final double logp = -0.5 * Math.log(2 * Math.PI * v) - 0.01 / (2 * v);
		assertEquals(logp, l.logp[0], 1e-3);
		assertEquals(-logp / Math.log(2) + 8, l.bitsPerDim[0], 1.5e-3);
		assertEquals(-l.logp[0] / Math.log(2) + 8, l.bitsPerDim[0], 1e-12);
		// prior of a point: N(z; 0, 50²)
		assertEquals(-0.5 * Math.log(2 * Math.PI * 2500) - 9.0 / 5000, flow.priorLogp(new float[] { 3 }, 0, 1), 1e-12);
	}

	/** encode → decode gives the input back within the solver's tolerance; the codes have norm ≈ σmax·√D. */
	@Test
	void encodeThenDecodeReturnsTheInput() {
		final GaussianMixture g = mixture();
		final int n = 8, d = g.dims();
		final float[] x = g.sample(n, 21);
		final ProbabilityFlow flow = new ProbabilityFlow(g.score(manager), SDE, manager);
		final Shape shape = new Shape(n, d);
		final ProbabilityFlow.Coding z = flow.encode(x, shape, 1e-5, 1e-5, new SamplingControl());
		final ProbabilityFlow.Coding back = flow.decode(z.values, shape, 1e-5, 1e-5, new SamplingControl());
		double worst = 0;
		for (int i = 0; i < x.length; i++)
			worst = Math.max(worst, Math.abs(back.values[i] - x[i]));
		System.out.printf(Locale.ROOT, "mixture round trip: max |Δ| %.2e, %d + %d evaluations%n", worst, z.evaluations,
			back.evaluations);
		assertTrue(worst < 1e-3, "round trip error " + worst);
		double norm = 0;
		for (final float v : z.values)
			norm += v * v;
		norm = Math.sqrt(norm / n);
		assertEquals(SDE.sigmaMax * Math.sqrt(d), norm, 0.5 * SDE.sigmaMax * Math.sqrt(d), "latent norm per image");
	}

	@Test
	void slerpKeepsTheEndsAndTheNorm() {
		final float[] a = { 3, 0 }, b = { 0, 3 };
		final float[] s = ProbabilityFlow.slerp(a, b, 3);
		assertEquals(3, s[0], 1e-6);
		assertEquals(0, s[1], 1e-6);
		assertEquals(3 / Math.sqrt(2), s[2], 1e-5);
		assertEquals(3 / Math.sqrt(2), s[3], 1e-5);
		assertEquals(0, s[4], 1e-6);
		assertEquals(3, s[5], 1e-6);
		assertThrows(IllegalArgumentException.class, () -> ProbabilityFlow.slerp(a, b, 1));
		assertThrows(IllegalArgumentException.class, () -> ProbabilityFlow.slerp(a, new float[3], 4));
	}

	@Test
	void badOptionsAreRefusedAndCancelStopsWithinOneCall() {
		final GaussianMixture g = mixture();
		final ProbabilityFlow flow = new ProbabilityFlow(g.score(manager), SDE, manager);
		final ProbabilityFlow.Options o = new ProbabilityFlow.Options();
		o.probes = 0;
		assertThrows(IllegalArgumentException.class, () -> flow.likelihood(new float[3], new Shape(1, 3), o,
			new SamplingControl()));
		o.probes = 2;
		o.divergence = ProbabilityFlow.Divergence.EXACT;
		assertThrows(IllegalArgumentException.class, () -> flow.likelihood(new float[3], new Shape(1, 3), o,
			new SamplingControl()));
		final ProbabilityFlow.Options big = new ProbabilityFlow.Options();
		big.divergence = ProbabilityFlow.Divergence.EXACT;
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flow.likelihood(
			new float[784 * 6], new Shape(6, 1, 28, 28), big, new SamplingControl()));
		assertTrue(e.getMessage().contains("exact divergence of 784 dimensions"), e.getMessage());
		final int[] calls = { 0 };
		final ScoreModel counting = (x, sigma) -> {
			calls[0]++;
			return g.score(manager).score(x, sigma);
		};
		final SamplingControl control = new SamplingControl().cancelledWhen(() -> calls[0] >= 5);
		assertThrows(SamplingCancelledException.class, () -> new ProbabilityFlow(counting, SDE, manager).likelihood(
			g.sample(2, 1), new Shape(2, 3), new ProbabilityFlow.Options(), control));
		assertEquals(5, calls[0], "no call after the cancel");
	}

	static double[] point(final float[] flat, final int i, final int d) {
		final double[] p = new double[d];
		for (int j = 0; j < d; j++)
			p[j] = flat[i * d + j];
		return p;
	}
}
