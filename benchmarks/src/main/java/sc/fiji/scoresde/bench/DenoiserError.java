package sc.fiji.scoresde.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;
import java.util.function.BooleanSupplier;

import sc.fiji.scoresde.sampling.SamplingCancelledException;
import sc.fiji.scoresde.sampling.ScoreModel;

/**
 * How well a score model denoises at each noise level: clean images x get noise σz, and the model's denoiser
 * D(x̃) = x̃ + σ²·s(x̃, σ) (Tweedie's formula: the posterior mean when s is the true score) is compared with x. The
 * baseline is the best constant guess, the per-pixel mean of the images, which the exact denoiser approaches as σ
 * grows; a model worse than it at some σ has not learned that noise level, and deterministic samplers (ode, heun)
 * that pass through it inherit the error.
 */
public final class DenoiserError {

	/** Root-mean-square errors per pixel at one σ. */
	public static final class Row {

		public final double sigma;
		public final double model;
		public final double mean;
		/**
		 * The model's error once its noise estimate x̃ − D(x̃) of each image is multiplied by the one number that fits
		 * that image best (an oracle, knowing the noise): what is left when only the overall scale of the noise
		 * estimate is wrong. A network whose last GroupNorm divides by the empirical spread of the noisy input cannot
		 * know that scale better than that spread's sampling error (about 1/√(2·H·W) relative), which at large σ
		 * is σ times that much per pixel.
		 */
		public final double scaleFixed;
		/**
		 * The same with the best per-image scale and offset (a constant added to every pixel of the noise estimate):
		 * GroupNorm also subtracts the empirical mean, so the noise's own mean over the image (σ/√(H·W) per pixel)
		 * is the other thing the network has to recover from elsewhere.
		 */
		public final double affineFixed;

		Row(final double sigma, final double model, final double mean, final double scaleFixed,
			final double affineFixed)
		{
			this.sigma = sigma;
			this.model = model;
			this.mean = mean;
			this.scaleFixed = scaleFixed;
			this.affineFixed = affineFixed;
		}
	}

	private DenoiserError() {}

	/**
	 * @param images n planar images of {@code dims} values each, in the model's [0, 1] range
	 * @param shape (C, H, W) of one image
	 * @param batch images per network call
	 */
	public static Row[] measure(final ScoreModel model, final Device device, final float[] images, final int n,
		final long[] shape, final double[] sigmas, final int batch, final long seed, final BooleanSupplier cancelled)
	{
		final int dims = (int) (shape[0] * shape[1] * shape[2]);
		final double[] pixelMean = new double[dims];
		for (int i = 0; i < n; i++)
			for (int j = 0; j < dims; j++)
				pixelMean[j] += images[i * dims + j] / (double) n;
		double meanSq = 0;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < dims; j++) {
				final double d = images[i * dims + j] - pixelMean[j];
				meanSq += d * d;
			}
		final double meanRms = Math.sqrt(meanSq / ((double) n * dims));
		final Row[] rows = new Row[sigmas.length];
		try (NDManager base = NDManager.newBaseManager(device, sc.fiji.scoresde.runtime.Engines.PYTORCH)) {
			for (int s = 0; s < sigmas.length; s++) {
				final Random random = new Random(seed + s);
				double sq = 0, fixedSq = 0, affineSq = 0;
				for (int from = 0; from < n; from += batch) {
					if (cancelled.getAsBoolean()) throw new SamplingCancelledException(s, sigmas.length);
					final int b = Math.min(batch, n - from);
					final float[] chunk = new float[b * dims];
					System.arraycopy(images, from * dims, chunk, 0, chunk.length);
					final float[] z = new float[chunk.length];
					for (int i = 0; i < z.length; i++)
						z[i] = (float) random.nextGaussian();
					try (NDManager step = base.newSubManager()) {
						final Shape bs = new Shape(b, shape[0], shape[1], shape[2]);
						final NDArray x = step.create(chunk, bs);
						final NDArray noisy = x.add(step.create(z, bs).mul((float) sigmas[s]));
						final NDArray denoised = tweedie(model, noisy, (float) sigmas[s]);
						sq += denoised.sub(x).square().sum().getFloat();
						final int[] axes = { 1, 2, 3 };
						final NDArray predicted = noisy.sub(denoised), actual = noisy.sub(x);
						final NDArray beta = predicted.mul(actual).sum(axes, true).div(predicted.square().sum(axes, true)
							.add(1e-12f));
						fixedSq += predicted.mul(beta).sub(actual).square().sum().getFloat();
						// least squares of actual ≈ β·predicted + γ per image: centre both, fit β, γ from the means
						final float perImage = dims;
						final NDArray pc = predicted.sub(predicted.sum(axes, true).div(perImage)), ac = actual.sub(actual
							.sum(axes, true).div(perImage));
						final NDArray b2 = pc.mul(ac).sum(axes, true).div(pc.square().sum(axes, true).add(1e-12f));
						affineSq += pc.mul(b2).sub(ac).square().sum().getFloat();
					}
				}
				rows[s] = new Row(sigmas[s], Math.sqrt(sq / ((double) n * dims)), meanRms, Math.sqrt(fixedSq / ((double) n *
					dims)), Math.sqrt(affineSq / ((double) n * dims)));
			}
		}
		return rows;
	}

	/** Tweedie's posterior mean x + σ²·s(x, σ), in the manager of x. */
	public static NDArray tweedie(final ScoreModel model, final NDArray x, final float sigma) {
		return x.add(model.score(x, sigma).mul(sigma * sigma));
	}
}
