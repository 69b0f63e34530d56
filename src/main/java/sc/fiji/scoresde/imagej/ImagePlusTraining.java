package sc.fiji.scoresde.imagej;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.scoresde.train.ImageSources;
import sc.fiji.scoresde.train.TrainingImages;

/**
 * An ImageJ 1 image as training data: every plane of the stack is one image (RGB planes give colour images; a
 * 3-channel composite gives one colour image per slice and frame). 8-bit and RGB values are divided by 255,
 * 16-bit and 32-bit data scaled by the stack's minimum and maximum.
 */
public final class ImagePlusTraining {

	private ImagePlusTraining() {}

	/** @param channels 1, 3 or 0 (as the image) */
	public static TrainingImages toTrainingImages(final ImagePlus imp, final int channels) {
		if (imp == null) throw new IllegalArgumentException("there is no open image to train on");
		final ImageStack stack = imp.getStack();
		final int w = imp.getWidth(), h = imp.getHeight(), plane = w * h;
		final boolean wide = imp.getBitDepth() == 16 || imp.getBitDepth() == 32;
		final List<ImageSources.Raw> raws = new ArrayList<>();
		if (imp.getNChannels() == 3 && imp.getBitDepth() != 24) {
			for (int t = 1; t <= imp.getNFrames(); t++)
				for (int z = 1; z <= imp.getNSlices(); z++) {
					final float[] v = new float[3 * plane];
					for (int c = 0; c < 3; c++) {
						final ImageProcessor ip = stack.getProcessor(imp.getStackIndex(c + 1, z, t));
						for (int i = 0; i < plane; i++)
							v[c * plane + i] = ip.getf(i);
					}
					raws.add(new ImageSources.Raw(imp.getTitle() + " z" + z + " t" + t, h, w, 3, v, wide));
				}
		}
		else {
			for (int s = 1; s <= stack.getSize(); s++) {
				final ImageProcessor ip = stack.getProcessor(s);
				final String source = imp.getTitle() + " plane " + s;
				if (ip instanceof ColorProcessor) {
					final int[] rgb = (int[]) ip.getPixels();
					final float[] v = new float[3 * plane];
					for (int i = 0; i < plane; i++) {
						v[i] = (rgb[i] >> 16) & 0xff;
						v[plane + i] = (rgb[i] >> 8) & 0xff;
						v[2 * plane + i] = rgb[i] & 0xff;
					}
					raws.add(new ImageSources.Raw(source, h, w, 3, v, false));
				}
				else {
					final float[] v = new float[plane];
					for (int i = 0; i < plane; i++)
						v[i] = ip.getf(i);
					raws.add(new ImageSources.Raw(source, h, w, 1, v, wide));
				}
			}
		}
		return ImageSources.combine(raws, channels, null);
	}
}
