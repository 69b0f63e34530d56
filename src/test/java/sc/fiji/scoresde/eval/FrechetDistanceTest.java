package sc.fiji.scoresde.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The Fréchet distance against closed forms, and the PCA against a planted structure. */
class FrechetDistanceTest {

	@Test
	void matchesTheClosedFormForCommutingCovariances() {
		// diagonal covariances: d² = |μ₁ − μ₂|² + Σ (σ₁ᵢ − σ₂ᵢ)²
		final FrechetDistance.Gaussian a = new FrechetDistance.Gaussian(new double[] { 0, 0, 1 }, new double[][] { {
			4, 0, 0 }, { 0, 1, 0 }, { 0, 0, 9 } });
		final FrechetDistance.Gaussian b = new FrechetDistance.Gaussian(new double[] { 1, 2, 1 }, new double[][] { {
			1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 16 } });
		assertEquals(1 + 4 + (2 - 1) * (2 - 1) + 0 + (3 - 4) * (3 - 4), FrechetDistance.distance(a, b), 1e-9);
		assertEquals(0, FrechetDistance.distance(a, a), 1e-9);
		// symmetric, also for non-commuting covariances
		final FrechetDistance.Gaussian c = new FrechetDistance.Gaussian(new double[] { 0, 0, 0 }, new double[][] { {
			2, 1, 0 }, { 1, 2, 1 }, { 0, 1, 2 } });
		assertEquals(FrechetDistance.distance(a, c), FrechetDistance.distance(c, a), 1e-9);
		assertTrue(FrechetDistance.distance(a, c) > 0);
	}

	@Test
	void sampleStatisticsAndPcaSeparateDifferentSets() {
		// 6-dimensional data that varies along one planted direction only (plus tiny noise)
		final Random random = new Random(3);
		final double[] direction = { 1, 2, 0, 0, -2, 1 };
		final double norm = Math.sqrt(10);
		final int n = 2000, dims = 6;
		final float[] data = new float[n * dims];
		for (int i = 0; i < n; i++) {
			final double t = random.nextGaussian() * 3;
			for (int j = 0; j < dims; j++)
				data[i * dims + j] = (float) (t * direction[j] / norm + 0.01 * random.nextGaussian());
		}
		final PcaProjection pca = PcaProjection.fit(data, n, dims, 2);
		assertEquals(9, pca.variances()[0], 0.8);
		assertTrue(pca.variances()[1] < 1e-3, "second component variance " + pca.variances()[1]);
		final double[][] half1 = pca.project(java.util.Arrays.copyOfRange(data, 0, n / 2 * dims), n / 2);
		final double[][] half2 = pca.project(java.util.Arrays.copyOfRange(data, n / 2 * dims, n * dims), n / 2);
		final double same = FrechetDistance.distance(FrechetDistance.Gaussian.of(half1), FrechetDistance.Gaussian.of(
			half2));
		final float[] shifted = java.util.Arrays.copyOfRange(data, 0, n / 2 * dims);
		for (int i = 0; i < shifted.length; i++)
			shifted[i] += (float) (direction[i % dims] / norm * 2);
		final double moved = FrechetDistance.distance(FrechetDistance.Gaussian.of(pca.project(shifted, n / 2)),
			FrechetDistance.Gaussian.of(half2));
		assertTrue(same < 0.2, "two halves of one set: " + same);
		assertTrue(moved > 3 && moved < 6, "a set moved by 2 along the component: " + moved);
	}
}
