package sc.fiji.scoresde.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.sampling.McgDiffSampler;

/** The coverages of bench-calibration on draws whose posterior is known: a standard normal per pixel. */
class CalibrationCoverageTest {

	private static final int IMAGES = 2000, PLANE = 25;

	/** K draws per image of N(0, scale²) per pixel, image i's draws together. */
	private static float[] draws(final Random r, final int k, final double scale) {
		final float[] out = new float[IMAGES * k * PLANE];
		for (int i = 0; i < out.length; i++)
			out[i] = (float) (scale * r.nextGaussian());
		return out;
	}

	private static float[] truth(final Random r) {
		final float[] out = new float[IMAGES * PLANE];
		for (int i = 0; i < out.length; i++)
			out[i] = (float) r.nextGaussian();
		return out;
	}

	private static float[] all() {
		final float[] free = new float[PLANE];
		Arrays.fill(free, 1);
		return free;
	}

	@Test
	void theKDrawIntervalHoldsNinetyPercentOfTheTruthForExactDrawsWhateverK() {
		final Random r = new Random(3);
		for (final int k : new int[] { 2, 4, 16 })
			assertEquals(0.90, CalibrationBenchCommand.drawCoverage(truth(r), draws(r, k, 1), k, all(), 1), 0.006,
				"K = " + k);
	}

	@Test
	void theKDrawIntervalSeesTooNarrowAndTooWideDraws() {
		final Random r = new Random(4);
		// draws half as wide as the posterior cover about 71 %, 1.6 times as wide about 95 %
		assertTrue(CalibrationBenchCommand.drawCoverage(truth(r), draws(r, 4, 0.5), 4, all(), 1) < 0.75);
		assertTrue(CalibrationBenchCommand.drawCoverage(truth(r), draws(r, 4, 1.6), 4, all(), 1) > 0.94);
	}

	@Test
	void theStdMapOfFewExactDrawsCoversLessThanItsNinetyPercent() {
		// the std map of K = 4 equally weighted draws (the sampler's moments, variance over K): a t with 3 degrees of
		// freedom says 71 % for mean ± 1.645·std, which is why the K-draw column is the calibration measure
		final Random r = new Random(5);
		final int k = 4;
		final float[] truth = truth(r), d = draws(r, k, 1);
		final float[] mean = new float[truth.length], std = new float[truth.length];
		final double[] equal = new double[k];
		Arrays.fill(equal, 1.0 / k);
		for (int i = 0; i < IMAGES; i++) {
			final double[][] m = McgDiffSampler.moments(Arrays.copyOfRange(d, i * k * PLANE, (i + 1) * k * PLANE), equal);
			for (int j = 0; j < PLANE; j++) {
				mean[i * PLANE + j] = (float) m[0][j];
				std[i * PLANE + j] = (float) m[1][j];
			}
		}
		assertEquals(0.71, CalibrationBenchCommand.coverage(truth, mean, std, all(), 1), 0.01);
		// with the exact mean and std it is the normal's 90 %
		Arrays.fill(mean, 0);
		Arrays.fill(std, 1);
		assertEquals(0.90, CalibrationBenchCommand.coverage(truth, mean, std, all(), 1), 0.006);
	}
}
