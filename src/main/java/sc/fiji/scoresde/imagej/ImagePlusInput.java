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

	/**
	 * Every image of the stack, for {@code ImgInput.toUserImages}: (X, Y, N) for a grey stack, (X, Y, C, N) for RGB
	 * (C = 3) and for a composite image (its channels at each slice and frame, N = slices × frames), of the same
	 * pixel type. {@link #hasChannelAxis} tells which. A copy: the ImagePlus is never changed.
	 */
	public static Img<?> allImages(final ImagePlus imp) {
		final int w = imp.getWidth(), h = imp.getHeight(), plane = w * h;
		final ij.ImageStack stack = imp.getStack();
		if (imp.getType() == ImagePlus.COLOR_RGB) {
			final int n = stack.getSize();
			final byte[] out = new byte[3 * plane * n];
			for (int k = 0; k < n; k++) {
				final int[] rgb = (int[]) stack.getProcessor(k + 1).getPixels();
				for (int i = 0; i < plane; i++) {
					out[(3 * k) * plane + i] = (byte) (rgb[i] >> 16);
					out[(3 * k + 1) * plane + i] = (byte) (rgb[i] >> 8);
					out[(3 * k + 2) * plane + i] = (byte) rgb[i];
				}
			}
			return ArrayImgs.unsignedBytes(out, w, h, 3, n);
		}
		final boolean composite = hasChannelAxis(imp);
		final int channels = composite ? imp.getNChannels() : 1;
		final int n = composite ? imp.getNSlices() * imp.getNFrames() : stack.getSize();
		// planes in (image, channel) order: ImageJ's own order, channels fastest
		final Object[] planes = new Object[channels * n];
		for (int k = 0; k < channels * n; k++)
			planes[k] = stack.getProcessor(k + 1).getPixels();
		switch (imp.getBitDepth()) {
			case 8: {
				final byte[] out = new byte[channels * n * plane];
				for (int k = 0; k < planes.length; k++)
					System.arraycopy(planes[k], 0, out, k * plane, plane);
				return composite ? ArrayImgs.unsignedBytes(out, w, h, channels, n) : ArrayImgs.unsignedBytes(out, w, h,
					n);
			}
			case 16: {
				final short[] out = new short[channels * n * plane];
				for (int k = 0; k < planes.length; k++)
					System.arraycopy(planes[k], 0, out, k * plane, plane);
				return composite ? ArrayImgs.unsignedShorts(out, w, h, channels, n) : ArrayImgs.unsignedShorts(out, w,
					h, n);
			}
			case 32: {
				final float[] out = new float[channels * n * plane];
				for (int k = 0; k < planes.length; k++)
					System.arraycopy(planes[k], 0, out, k * plane, plane);
				return composite ? ArrayImgs.floats(out, w, h, channels, n) : ArrayImgs.floats(out, w, h, n);
			}
			default:
				throw new IllegalArgumentException(imp.getTitle() + ": bit depth " + imp.getBitDepth() +
					" is not supported");
		}
	}

	/** Whether {@link #allImages} has a channel dimension: RGB, or a composite image with several channels. */
	public static boolean hasChannelAxis(final ImagePlus imp) {
		return imp.getType() == ImagePlus.COLOR_RGB || (imp.getNChannels() > 1 && imp.isComposite());
	}

	/** The label of image {@code k} (from 0) of {@link #allImages}: the slice label, or "title:k+1". */
	public static String imageLabel(final ImagePlus imp, final int k) {
		final int index = hasChannelAxis(imp) && imp.getType() != ImagePlus.COLOR_RGB ? k * imp.getNChannels() + 1
			: k + 1;
		final String label = index <= imp.getStackSize() ? imp.getStack().getShortSliceLabel(index) : null;
		return label != null && !label.isEmpty() ? label : imp.getTitle() + ":" + (k + 1);
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
