package sc.fiji.scoresde.runtime;

import java.util.Locale;

/**
 * Generated images as diffusers' {@code output_type="np"} gives them: float32 NHWC in [0, 1], with the seed and
 * device that made them.
 */
public final class GeneratedImages {

	public final float[] nhwc;
	public final int batch;
	public final int height;
	public final int width;
	public final int channels;
	public final long seed;
	public final String device;
	public final int steps;
	/**
	 * Restoration with uncertainty: the per-pixel posterior mean and standard deviation of each input image (one
	 * image each per input, in the layout of these images); null otherwise
	 */
	public final GeneratedImages mean, std;

	public GeneratedImages(final float[] nhwc, final int batch, final int height, final int width,
		final int channels, final long seed, final String device, final int steps)
	{
		this(nhwc, batch, height, width, channels, seed, device, steps, null, null);
	}

	private GeneratedImages(final float[] nhwc, final int batch, final int height, final int width,
		final int channels, final long seed, final String device, final int steps, final GeneratedImages mean,
		final GeneratedImages std)
	{
		if (nhwc.length != (long) batch * height * width * channels) throw new IllegalArgumentException(
			"pixel count " + nhwc.length + " does not match " + batch + "×" + height + "×" + width + "×" + channels);
		this.nhwc = nhwc;
		this.batch = batch;
		this.height = height;
		this.width = width;
		this.channels = channels;
		this.seed = seed;
		this.device = device;
		this.steps = steps;
		this.mean = mean;
		this.std = std;
	}

	/** These images with the per-pixel posterior mean and standard deviation of each input image (NHWC, n each). */
	public GeneratedImages withUncertainty(final float[] meanNhwc, final float[] stdNhwc, final int inputs) {
		return new GeneratedImages(nhwc, batch, height, width, channels, seed, device, steps, new GeneratedImages(
			meanNhwc, inputs, height, width, channels, seed, device, steps), new GeneratedImages(stdNhwc, inputs, height,
				width, channels, seed, device, steps));
	}

	/**
	 * Refuses images that hold NaN or infinite values: written, they would look like results (NaN becomes black in a
	 * PNG) although the run failed.
	 *
	 * @throws IllegalStateException naming the first such image, how many values are not finite and what to check
	 */
	public void requireFinite() {
		requireFinite(nhwc, batch);
	}

	/** {@link #requireFinite()} for {@code count} images of equal size in {@code values}. */
	public static void requireFinite(final float[] values, final int count) {
		if (count < 1 || values.length % count != 0) throw new IllegalArgumentException(values.length + " values do " +
			"not make " + count + " images of equal size");
		final int perImage = values.length / count;
		long nan = 0, infinite = 0;
		int firstBad = -1, badImages = 0, firstNan = 0, firstInfinite = 0;
		for (int n = 0; n < count; n++) {
			int imageNan = 0, imageInfinite = 0;
			for (int i = n * perImage, end = i + perImage; i < end; i++) {
				final float v = values[i];
				if (v != v) imageNan++;
				else if (v == Float.POSITIVE_INFINITY || v == Float.NEGATIVE_INFINITY) imageInfinite++;
			}
			if (imageNan + imageInfinite == 0) continue;
			nan += imageNan;
			infinite += imageInfinite;
			badImages++;
			if (firstBad < 0) {
				firstBad = n;
				firstNan = imageNan;
				firstInfinite = imageInfinite;
			}
		}
		if (firstBad < 0) return;
		throw new IllegalStateException(String.format(Locale.ROOT, "the run produced values that are not numbers: " +
			"image %d of %d has %d NaN and %d infinite values of %d (%d of %d images affected, %d NaN and %d " +
			"infinite values in all), so nothing was written; the likely cause is the model (weights that are NaN or " +
			"infinite, a scheduler config with a huge sigma_max or snr) or an input image far outside [0, 1]: check " +
			"them, or try another sampler", firstBad, count, firstNan, firstInfinite, perImage, badImages, count, nan,
			infinite));
	}

	/** diffusers' "pil" conversion: round(255·x) to uint8 (numpy rounds half to even, as Math.rint does). */
	public byte[] toUint8() {
		final byte[] out = new byte[nhwc.length];
		for (int i = 0; i < out.length; i++)
			out[i] = (byte) (int) Math.rint(nhwc[i] * 255f);
		return out;
	}

	public float get(final int image, final int y, final int x, final int c) {
		return nhwc[((image * height + y) * width + x) * channels + c];
	}
}
