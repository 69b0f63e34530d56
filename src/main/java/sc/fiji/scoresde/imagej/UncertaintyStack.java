package sc.fiji.scoresde.imagej;

import sc.fiji.scoresde.runtime.GeneratedImages;

/**
 * A restoration's results with their per-pixel posterior mean and standard deviation as the one stack both front
 * ends show: the mean first, then the standard deviation, then the samples, each labelled ("mean", "std", "sample 1"
 * …), so that a macro finds them by slice label or by position.
 */
public final class UncertaintyStack {

	public static final String MEAN = "mean", STD = "std";

	private UncertaintyStack() {}

	/**
	 * The mean, the standard deviation and the K samples of one input image as K + 2 images.
	 *
	 * @throws IllegalArgumentException when {@code g} has no mean and std, or holds the results of several inputs
	 */
	public static GeneratedImages of(final GeneratedImages g) {
		if (g.mean == null || g.std == null) throw new IllegalArgumentException("the results have no per-pixel mean " +
			"and standard deviation (run with uncertainty)");
		if (g.mean.batch != 1) throw new IllegalArgumentException("the results are of " + g.mean.batch + " input " +
			"images; one uncertainty stack holds those of one");
		final int image = g.height * g.width * g.channels;
		final float[] nhwc = new float[(g.batch + 2) * image];
		System.arraycopy(g.mean.nhwc, 0, nhwc, 0, image);
		System.arraycopy(g.std.nhwc, 0, nhwc, image, image);
		System.arraycopy(g.nhwc, 0, nhwc, 2 * image, g.batch * image);
		return new GeneratedImages(nhwc, g.batch + 2, g.height, g.width, g.channels, g.seed, g.device, g.steps);
	}

	/** "mean", "std", "sample 1" … "sample K": the label of each image of {@link #of}. */
	public static String[] labels(final int samples) {
		final String[] out = new String[samples + 2];
		out[0] = MEAN;
		out[1] = STD;
		for (int k = 1; k <= samples; k++)
			out[k + 1] = "sample " + k;
		return out;
	}

	/** {@link #labels} for every plane of a (channel, image) stack, channels fastest: each channel has its image's. */
	public static String[] planeLabels(final int samples, final int channels) {
		final String[] images = labels(samples);
		final String[] out = new String[images.length * channels];
		for (int i = 0; i < images.length; i++)
			for (int c = 0; c < channels; c++)
				out[i * channels + c] = images[i];
		return out;
	}
}
