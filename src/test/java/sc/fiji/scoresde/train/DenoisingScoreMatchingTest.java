package sc.fiji.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.sampling.GaussianMixtureScore;
import sc.fiji.scoresde.sampling.MixtureBenchmark;
import sc.fiji.scoresde.sampling.VeSde;

class DenoisingScoreMatchingTest {

	/**
	 * For data N(μ, s²I) in D dimensions and the exact score, E[½‖σ·s(x + σz) + z‖²] = ½·D·s²/(s² + σ²): the loss of
	 * the true score is that floor, and a wrong score does worse.
	 */
	@Test
	void exactScoreReachesTheAnalyticalLossFloor() {
		final MixtureBenchmark gaussian = new MixtureBenchmark(1, 1, 4, 0.5, 1);
		final int d = gaussian.dims();
		final int n = 20000;
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final GaussianMixtureScore exact = gaussian.score(m);
			final float sigma = 0.8f;
			final DenoisingScoreMatching dsm = new DenoisingScoreMatching(new VeSde(0.01, 50, 1e-5));
			final NDArray x = m.create(gaussian.exactSamples(n, 3), new Shape(n, 1, 4, 4));
			final NDArray z = m.randomNormal(new Shape(n, 1, 4, 4));
			final NDArray sigmas = m.full(new Shape(n), sigma);
			final double loss = dsm.loss((xx, s) -> exact.score(xx, sigma), x, sigmas, z).getFloat();
			final double floor = 0.5 * d * 0.25 / (0.25 + sigma * sigma);
			assertEquals(floor, loss, 0.03 * floor, "exact score");
			final double zero = dsm.loss((xx, s) -> xx.zerosLike(), x, sigmas, z).getFloat();
			assertEquals(0.5 * d, zero, 0.03 * 0.5 * d, "a zero score leaves ½·E‖z‖² = ½·D");
			assertTrue(loss < zero);
		}
	}

	@Test
	void noiseLevelsSpanSigmaMinToSigmaMaxGeometrically() {
		final DenoisingScoreMatching dsm = new DenoisingScoreMatching(new VeSde(0.01, 100, 1e-5));
		final float[] s = dsm.sigmas(new float[] { 0f, 0.5f, 0.999999f });
		assertEquals(0.01, s[0], 1e-4);
		assertEquals(1.0, s[1], 1e-3);
		assertEquals(100, s[2], 1e-2);
	}

	/**
	 * EDM weighting: w(σ) = 1 + σ²/σ_data², so the loss of the exact score at σ is w(σ) times the paper's floor
	 * ½·D·s²/(s² + σ²); at large σ the floor times w tends to ½·D·s²/σ_data², a constant instead of one that vanishes.
	 */
	@Test
	void edmWeightingScalesEachSamplesLossByOnePlusSigmaSquaredOverSigmaData() {
		final MixtureBenchmark gaussian = new MixtureBenchmark(1, 1, 4, 0.5, 1);
		final int d = gaussian.dims(), n = 20000;
		final VeSde sde = new VeSde(0.01, 50, 1e-5);
		final DenoisingScoreMatching paper = new DenoisingScoreMatching(sde);
		final DenoisingScoreMatching edm = new DenoisingScoreMatching(sde, DenoisingScoreMatching.Weighting.EDM, 0.5);
		assertEquals(1 + 100 / 0.25, edm.weights(new float[] { 10f })[0], 1e-3);
		assertEquals(1, paper.weights(new float[] { 10f })[0]);
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final GaussianMixtureScore exact = gaussian.score(m);
			for (final float sigma : new float[] { 0.1f, 10f }) {
				final NDArray x = m.create(gaussian.exactSamples(n, 3), new Shape(n, 1, 4, 4));
				final NDArray z = m.randomNormal(new Shape(n, 1, 4, 4));
				final NDArray sigmas = m.full(new Shape(n), sigma);
				final double p = paper.loss((xx, s) -> exact.score(xx, sigma), x, sigmas, z).getFloat();
				final double e = edm.loss((xx, s) -> exact.score(xx, sigma), x, sigmas, z).getFloat();
				assertEquals((1 + sigma * sigma / 0.25) * p, e, 1e-4 * e, "sigma " + sigma);
				final double floor = 0.5 * d * 0.25 / (0.25 + sigma * sigma) * (1 + sigma * sigma / 0.25);
				assertEquals(floor, e, 0.03 * floor, "sigma " + sigma);
			}
		}
		assertEquals(DenoisingScoreMatching.Weighting.EDM, DenoisingScoreMatching.Weighting.parse("edm"));
		final IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(
			IllegalArgumentException.class, () -> DenoisingScoreMatching.Weighting.parse("uniform"));
		assertTrue(bad.getMessage().contains("'uniform'"), bad.getMessage());
	}
}
