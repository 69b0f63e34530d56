package sc.fiji.scoresde.restore;

import java.util.Arrays;

/**
 * Estimates σ of additive Gaussian noise from the image itself: Donoho and Johnstone's robust estimator on the
 * finest diagonal Haar wavelet coefficients, σ̂ = median(|HH|)/0.6745. HH = (a − b − c + d)/2 over each 2×2 block
 * is orthonormal, so for white noise it is N(0, σ²), and on smooth image content it is near zero; 0.6745 is the
 * median of |N(0, 1)|. Texture at the pixel scale adds to the estimate, so give σ when it is known.
 */
public final class NoiseLevel {

	private NoiseLevel() {}

	/**
	 * @param planes {@code count} planes of height × width values (all channels of all images pooled)
	 */
	public static double estimate(final float[] planes, final int count, final int height, final int width) {
		if (height < 2 || width < 2) throw new IllegalArgumentException("the noise level needs an image of at least " +
			"2×2 pixels");
		final int bh = height / 2, bw = width / 2;
		final double[] hh = new double[count * bh * bw];
		int n = 0;
		for (int p = 0; p < count; p++) {
			final int base = p * height * width;
			for (int y = 0; y < bh; y++)
				for (int x = 0; x < bw; x++) {
					final int i = base + 2 * y * width + 2 * x;
					hh[n++] = Math.abs((planes[i] - planes[i + 1] - planes[i + width] + planes[i + width + 1]) / 2.0);
				}
		}
		Arrays.sort(hh);
		final double median = n % 2 == 1 ? hh[n / 2] : (hh[n / 2 - 1] + hh[n / 2]) / 2;
		return median / 0.6745;
	}
}
