package sc.fiji.scoresde.imagej;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.ImageProcessor;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;

/**
 * The plane of an ImageJ 1 image the user is looking at, copied into an ImgLib2 image of the same pixel type (8-bit,
 * 16-bit, float; RGB as X × Y × 3 8-bit; a composite image's channels at the current slice and frame as
 * X × Y × C), and a selection as a mask. Copies: the ImagePlus is never changed.
 */
public final class ImagePlusInput {

	private ImagePlusInput() {}

	public static Img<?> currentPlane(final ImagePlus imp) {
		final int w = imp.getWidth(), h = imp.getHeight(), plane = w * h;
		if (imp.getType() == ImagePlus.COLOR_RGB) {
			final int[] rgb = (int[]) imp.getProcessor().getPixels();
			final byte[] out = new byte[3 * plane];
			for (int i = 0; i < plane; i++) {
				out[i] = (byte) (rgb[i] >> 16);
				out[plane + i] = (byte) (rgb[i] >> 8);
				out[2 * plane + i] = (byte) rgb[i];
			}
			return ArrayImgs.unsignedBytes(out, w, h, 3);
		}
		final int channels = imp.getNChannels() > 1 && imp.isComposite() ? imp.getNChannels() : 1;
		final ImageProcessor[] planes = new ImageProcessor[channels];
		if (channels == 1) planes[0] = imp.getProcessor();
		else for (int c = 0; c < channels; c++)
			planes[c] = imp.getStack().getProcessor(imp.getStackIndex(c + 1, imp.getSlice(), imp.getFrame()));
		switch (imp.getBitDepth()) {
			case 8: {
				final byte[] out = new byte[channels * plane];
				for (int c = 0; c < channels; c++)
					System.arraycopy(planes[c].getPixels(), 0, out, c * plane, plane);
				return channels == 1 ? ArrayImgs.unsignedBytes(out, w, h) : ArrayImgs.unsignedBytes(out, w, h, channels);
			}
			case 16: {
				final short[] out = new short[channels * plane];
				for (int c = 0; c < channels; c++)
					System.arraycopy(planes[c].getPixels(), 0, out, c * plane, plane);
				return channels == 1 ? ArrayImgs.unsignedShorts(out, w, h) : ArrayImgs.unsignedShorts(out, w, h,
					channels);
			}
			case 32: {
				final float[] out = new float[channels * plane];
				for (int c = 0; c < channels; c++)
					System.arraycopy(planes[c].getPixels(), 0, out, c * plane, plane);
				return channels == 1 ? ArrayImgs.floats(out, w, h) : ArrayImgs.floats(out, w, h, channels);
			}
			default:
				throw new IllegalArgumentException(imp.getTitle() + ": bit depth " + imp.getBitDepth() +
					" is not supported");
		}
	}

	/** 1 inside the selection (any ROI type), 0 outside; null when the image has no area selection. */
	public static Img<UnsignedByteType> selectionMask(final ImagePlus imp) {
		final Roi roi = imp.getRoi();
		if (roi == null || !roi.isArea()) return null;
		final int w = imp.getWidth(), h = imp.getHeight();
		final byte[] out = new byte[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				if (roi.contains(x, y)) out[y * w + x] = 1;
		return ArrayImgs.unsignedBytes(out, w, h);
	}
}
