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
				for (int c = 0; c < g.channels; c++) {
					final float[] values = new float[plane];
					for (int i = 0; i < plane; i++)
						values[i] = g.nhwc[(n * plane + i) * g.channels + c];
					stack.addSlice(g.channels == 1 ? "image " + n : "image " + n + " channel " + c, new FloatProcessor(
						g.width, g.height, values));
				}
		}
		final ImagePlus imp = new ImagePlus(title, stack);
		if (!bytes && g.channels > 1) imp.setDimensions(g.channels, 1, g.batch);
		imp.setProperty("Info", "Score SDE VE\nseed=" + g.seed + "\nsteps=" + g.steps + "\ndevice=" + g.device + "\n");
		imp.setProp("score-sde.seed", Long.toString(g.seed));
		return imp;
	}
}
