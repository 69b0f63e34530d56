package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * A Gaussian mixture in image space (REFERENCE §8) whose exact VE score lets samplers be judged against the truth:
 * the error of the mode proportions, and of each mode's mean and standard deviation, of a batch of samples.
 */
public final class MixtureBenchmark {

	/** Errors of one batch of samples against the mixture. */
	public static final class Errors {

		/** max_k |p̂_k − w_k| */
		public final double proportion;
		/** max_k RMS over dimensions of (mean_k − μ_k) */
		public final double mean;
		/** max_k |std_k − s| */
		public final double std;

		Errors(final double proportion, final double mean, final double std) {
			this.proportion = proportion;
			this.mean = mean;
			this.std = std;
		}
	}

	public final int channels;
	public final int size;
	public final float[][] means;
	public final double[] weights;
	public final double std;

	/** K modes with means uniform in [0, 1]^D and weights ∝ K, K−1, …, 1. */
	public MixtureBenchmark(final int modes, final int channels, final int size, final double std, final long seed) {
		this.channels = channels;
		this.size = size;
		this.std = std;
		final int d = channels * size * size;
		final Random r = new Random(seed);
		means = new float[modes][d];
		weights = new double[modes];
		double total = 0;
		for (int k = 0; k < modes; k++) {
			for (int i = 0; i < d; i++)
				means[k][i] = r.nextFloat();
			weights[k] = modes - k;
			total += weights[k];
		}
		for (int k = 0; k < modes; k++)
			weights[k] /= total;
	}

	public int dims() {
		return means[0].length;
	}

	public GaussianMixtureScore score(final NDManager manager) {
		return new GaussianMixtureScore(manager, means, weights, std);
	}

	public Shape shape(final int batch) {
		return new Shape(batch, channels, size, size);
	}

	/** n exact samples of the mixture (the noise floor of the estimators at this n). */
	public float[] exactSamples(final int n, final long seed) {
		final Random r = new Random(seed);
		final int d = dims();
		final float[] out = new float[n * d];
		for (int i = 0; i < n; i++) {
			double u = r.nextDouble();
			int k = 0;
			while (k < weights.length - 1 && u >= weights[k]) {
				u -= weights[k];
				k++;
			}
			for (int j = 0; j < d; j++)
				out[i * d + j] = (float) (means[k][j] + std * r.nextGaussian());
		}
		return out;
	}

	public Errors errors(final NDArray samples) {
		return errors(samples.toFloatArray());
	}

	/** Assigns each sample to its nearest mode and compares proportions, means and standard deviations. */
	public Errors errors(final float[] x) {
		final int d = dims();
		final int n = x.length / d;
		final int k = means.length;
		final int[] count = new int[k];
		final double[][] sum = new double[k][d];
		final int[] label = new int[n];
		for (int i = 0; i < n; i++) {
			int best = 0;
			double bestDistance = Double.MAX_VALUE;
			for (int m = 0; m < k; m++) {
				double dist = 0;
				for (int j = 0; j < d; j++) {
					final double diff = x[i * d + j] - means[m][j];
					dist += diff * diff;
				}
				if (dist < bestDistance) {
					bestDistance = dist;
					best = m;
				}
			}
			label[i] = best;
			count[best]++;
			for (int j = 0; j < d; j++)
				sum[best][j] += x[i * d + j];
		}
		double proportion = 0, mean = 0, sd = 0;
		final double[] sq = new double[k];
		for (int i = 0; i < n; i++) {
			final int m = label[i];
			for (int j = 0; j < d; j++) {
				final double diff = x[i * d + j] - sum[m][j] / count[m];
				sq[m] += diff * diff;
			}
		}
		for (int m = 0; m < k; m++) {
			proportion = Math.max(proportion, Math.abs(count[m] / (double) n - weights[m]));
			if (count[m] < 2) {
				mean = sd = Double.POSITIVE_INFINITY;
				continue;
			}
			double se = 0;
			for (int j = 0; j < d; j++) {
				final double diff = sum[m][j] / count[m] - means[m][j];
				se += diff * diff;
			}
			mean = Math.max(mean, Math.sqrt(se / d));
			sd = Math.max(sd, Math.abs(Math.sqrt(sq[m] / ((double) count[m] * d)) - std));
		}
		return new Errors(proportion, mean, sd);
	}
}
