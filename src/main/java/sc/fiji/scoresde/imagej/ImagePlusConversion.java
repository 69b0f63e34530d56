package sc.fiji.scoresde.imagej;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;

import sc.fiji.scoresde.runtime.GeneratedImages;

/**
 * Generated images as an ImageJ 1 stack: RGB slices for 3-channel models and 8-bit slices for 1-channel ones
 * (both the "pil" round(255·x) values), a float hyperstack (channels × images) for other channel counts or when
 * float output is asked for.
 */
public final class ImagePlusConversion {

	private ImagePlusConversion() {}

	public static ImagePlus toImagePlus(final GeneratedImages g, final String title) {
		return toImagePlus(g, title, false);
	}

	/** @param floatOutput float [0, 1] slices (a channels × images hyperstack) instead of 8-bit or RGB ones */
	public static ImagePlus toImagePlus(final GeneratedImages g, final String title, final boolean floatOutput) {
		final ImageStack stack = new ImageStack(g.width, g.height);
		final int plane = g.width * g.height;
		final boolean bytes = !floatOutput && (g.channels == 3 || g.channels == 1);
		if (bytes) {
			final byte[] u8 = g.toUint8();
			for (int n = 0; n < g.batch; n++) {
				final int base = n * plane * g.channels;
				if (g.channels == 3) {
					final int[] rgb = new int[plane];
					for (int i = 0; i < plane; i++) {
						final int p = base + i * 3;
						rgb[i] = 0xff000000 | (u8[p] & 0xff) << 16 | (u8[p + 1] & 0xff) << 8 | (u8[p + 2] & 0xff);
					}
					stack.addSlice("image " + n, new ColorProcessor(g.width, g.height, rgb));
				}
				else {
					final byte[] grey = new byte[plane];
					System.arraycopy(u8, base, grey, 0, plane);
					stack.addSlice("image " + n, new ByteProcessor(g.width, g.height, grey));
				}
			}
		}
		else {
			for (int n = 0; n < g.batch; n++)
				for (int c = 0; c < g.channels; c++)
					stack.addSlice(g.channels == 1 ? "image " + n : "image " + n + " channel " + c, plane(g, n, c));
		}
		final ImagePlus imp = new ImagePlus(title, stack);
		if (!bytes && g.channels > 1) imp.setDimensions(g.channels, 1, g.batch);
		describe(imp, g);
		return imp;
	}

	/**
	 * A restoration's results with uncertainty as one float stack ({@link UncertaintyStack}): slices labelled "mean",
	 * "std", "sample 1" … "sample K"; for several channels a channels × slices hyperstack with those labels.
	 */
	public static ImagePlus toUncertaintyImagePlus(final GeneratedImages g, final String title) {
		final GeneratedImages all = UncertaintyStack.of(g);
		final String[] labels = UncertaintyStack.labels(g.batch);
		final ImageStack stack = new ImageStack(g.width, g.height);
		for (int n = 0; n < all.batch; n++)
			for (int c = 0; c < g.channels; c++)
				stack.addSlice(labels[n], plane(all, n, c));
		final ImagePlus imp = new ImagePlus(title, stack);
		if (g.channels > 1) {
			imp.setDimensions(g.channels, all.batch, 1);
			imp.setOpenAsHyperStack(true);
		}
		describe(imp, g);
		return imp;
	}

	/** Channel c of image n as a float slice. */
	private static FloatProcessor plane(final GeneratedImages g, final int n, final int c) {
		final int plane = g.width * g.height;
		final float[] values = new float[plane];
		for (int i = 0; i < plane; i++)
			values[i] = g.nhwc[(n * plane + i) * g.channels + c];
		return new FloatProcessor(g.width, g.height, values);
	}

	private static void describe(final ImagePlus imp, final GeneratedImages g) {
		imp.setProperty("Info", "Score SDE VE\nseed=" + g.seed + "\nsteps=" + g.steps + "\ndevice=" + g.device + "\n");
		imp.setProp("score-sde.seed", Long.toString(g.seed));
	}
}
