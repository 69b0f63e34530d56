package sc.fiji.scoresde.imagej;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.DoubleType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;
import net.imglib2.util.Util;
import net.imglib2.view.Views;

import sc.fiji.scoresde.images.UserImage;

/**
 * An ImgLib2 image given to inpaint, colorize, denoise or edit, as a {@link UserImage} in the model's [0, 1] range:
 * 8-bit ÷ 255, 16-bit ÷ 65535, float taken as it is, ARGB as three 8-bit channels. One plane: (X, Y) or
 * (X, Y, channel) with 1 or 3 channels; further dimensions must have size 1.
 */
public final class ImgInput {

	private ImgInput() {}

	public static UserImage toUserImage(final RandomAccessibleInterval<?> image, final String name) {
		if (image == null) throw new IllegalArgumentException("no input image was given");
		final RandomAccessibleInterval<?> img = Views.zeroMin(image);
		final long[] dims = Intervals.dimensionsAsLongArray(img);
		final Object type = Util.getTypeFromInterval(img);
		final boolean argb = type instanceof ARGBType;
		final int channels = planeChannels(dims, name, argb);
		final int w = (int) dims[0], h = (int) dims[1], plane = w * h;
		final float[] chw = new float[(argb ? 3 : channels) * plane];
		final RandomAccess<?> ra = img.randomAccess();
		final long[] pos = new long[dims.length];
		if (argb) {
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					pos[0] = x;
					pos[1] = y;
					final int v = ((ARGBType) ra.setPositionAndGet(pos)).get();
					chw[y * w + x] = ARGBType.red(v) / 255f;
					chw[plane + y * w + x] = ARGBType.green(v) / 255f;
					chw[2 * plane + y * w + x] = ARGBType.blue(v) / 255f;
				}
			return new UserImage(name, 3, h, w, chw);
		}
		final float scale = scale(type, name);
		for (int c = 0; c < channels; c++)
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					pos[0] = x;
					pos[1] = y;
					if (dims.length > 2) pos[2] = c;
					final float v = ((RealType<?>) ra.setPositionAndGet(pos)).getRealFloat() * scale;
					chw[(c * h + y) * w + x] = v;
				}
		return inModelRange(new UserImage(name, channels, h, w, chw));
	}

	/**
	 * The image when its values suit the model, as the file readers require: a float image in 0–255 units or with a
	 * stray 1e30 or NaN pixel is refused with the place of the value instead of giving an all-NaN result.
	 */
	private static UserImage inModelRange(final UserImage image) {
		try {
			return image.requireModelRange();
		}
		catch (final sc.fiji.scoresde.errors.ModelFormatException e) {
			throw new IllegalArgumentException(e.getMessage(), e);
		}
	}

	/**
	 * The images of a stack, each in the model's [0, 1] range like {@link #toUserImage}: (X, Y, N…) with one channel
	 * each, or with {@code channelAxis} (X, Y, C, N…) with C channels (ARGB: (X, Y, N…), 3 channels each). Every
	 * dimension after the image's own counts images; images are numbered in the stack's order, the first as 1.
	 */
	public static java.util.List<UserImage> toUserImages(final RandomAccessibleInterval<?> stack, final String name,
		final boolean channelAxis)
	{
		if (stack == null) throw new IllegalArgumentException("no input image was given");
		final RandomAccessibleInterval<?> img = Views.zeroMin(stack);
		final long[] dims = Intervals.dimensionsAsLongArray(img);
		final Object type = Util.getTypeFromInterval(img);
		final boolean argb = type instanceof ARGBType;
		if (dims.length < 2) throw new IllegalArgumentException(name + " has " + dims.length + " dimension(s); " +
			"images (X, Y, …) were expected");
		final boolean hasChannels = channelAxis && !argb;
		if (hasChannels && dims.length < 3) throw new IllegalArgumentException(name + " is " + describe(dims) +
			": a channel dimension (X, Y, C, …) was expected");
		final int first = hasChannels ? 3 : 2;
		final long channelCount = hasChannels ? dims[2] : 1;
		if (channelCount != 1 && channelCount != 3) throw new IllegalArgumentException(name + " is " + describe(dims) +
			": dimension 3 (channels) must have size 1 or 3");
		long n = 1;
		for (int d = first; d < dims.length; d++)
			n *= dims[d];
		final long plane = dims[0] * dims[1] * (argb ? 3 : channelCount);
		if (n < 1 || n > Integer.MAX_VALUE || plane * n > UserImage.MAX_PIXELS) throw new IllegalArgumentException(
			name + " is " + describe(dims) + ": more than " + UserImage.MAX_PIXELS + " values");
		final float scale = argb ? 1 / 255f : scale(type, name);
		final int w = (int) dims[0], h = (int) dims[1], c = argb ? 3 : (int) channelCount, area = w * h;
		final java.util.List<UserImage> out = new java.util.ArrayList<>();
		final RandomAccess<?> ra = img.randomAccess();
		final long[] pos = new long[dims.length];
		for (long k = 0; k < n; k++) {
			long rest = k;
			for (int d = first; d < dims.length; d++) {
				pos[d] = rest % dims[d];
				rest /= dims[d];
			}
			final float[] chw = new float[c * area];
			for (int ch = 0; ch < (argb ? 1 : c); ch++)
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++) {
						pos[0] = x;
						pos[1] = y;
						if (hasChannels) pos[2] = ch;
						final Object v = ra.setPositionAndGet(pos);
						if (argb) {
							final int rgb = ((ARGBType) v).get();
							chw[y * w + x] = ARGBType.red(rgb) * scale;
							chw[area + y * w + x] = ARGBType.green(rgb) * scale;
							chw[2 * area + y * w + x] = ARGBType.blue(rgb) * scale;
						}
						else chw[ch * area + y * w + x] = ((RealType<?>) v).getRealFloat() * scale;
					}
			out.add(inModelRange(new UserImage(name + " image " + (k + 1), c, h, w, chw)));
		}
		return out;
	}

	/** 1 where the mask (one plane of any real or ARGB type) is nonzero in any channel. */
	public static float[] nonzero(final RandomAccessibleInterval<?> mask, final String name) {
		final RandomAccessibleInterval<?> img = Views.zeroMin(mask);
		final long[] dims = Intervals.dimensionsAsLongArray(img);
		final Object type = Util.getTypeFromInterval(img);
		if (!(type instanceof ARGBType || type instanceof RealType)) throw new IllegalArgumentException(name +
			": pixel type " + type.getClass().getSimpleName() + " is not a number");
		final int channels = planeChannels(dims, name, type instanceof ARGBType);
		final int w = (int) dims[0], h = (int) dims[1];
		final float[] out = new float[w * h];
		final RandomAccess<?> ra = img.randomAccess();
		final long[] pos = new long[dims.length];
		for (int c = 0; c < channels; c++)
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					pos[0] = x;
					pos[1] = y;
					if (dims.length > 2) pos[2] = c;
					final Object v = ra.setPositionAndGet(pos);
					if (v instanceof ARGBType ? (((ARGBType) v).get() & 0xffffff) != 0 : ((RealType<?>) v)
						.getRealDouble() != 0) out[y * w + x] = 1;
				}
		return out;
	}

	private static int planeChannels(final long[] dims, final String name, final boolean argb) {
		if (dims.length < 2) throw new IllegalArgumentException(name + " has " + dims.length + " dimension(s); an " +
			"image plane (X, Y) was expected");
		for (int d = 3; d < dims.length; d++)
			if (dims[d] != 1) throw new IllegalArgumentException(name + " is " + describe(dims) + ": one image plane " +
				"(X, Y, and 1 or 3 channels) was expected; process a stack plane by plane");
		final long c = dims.length > 2 ? dims[2] : 1;
		if (c != 1 && !(c == 3 && !argb)) throw new IllegalArgumentException(name + " is " + describe(dims) + ": " +
			"dimension 3 (channels) must have size 1 or 3" + (argb ? " (size 1 for ARGB)" : ""));
		if ((long) dims[0] * dims[1] * c > Integer.MAX_VALUE / 4) throw new IllegalArgumentException(name + " is " +
			describe(dims) + ": too large for one plane");
		return (int) c;
	}

	private static String describe(final long[] dims) {
		final StringBuilder s = new StringBuilder();
		for (final long d : dims)
			s.append(s.length() == 0 ? "" : "×").append(d);
		return s.toString();
	}

	private static float scale(final Object type, final String name) {
		if (type instanceof UnsignedByteType) return 1 / 255f;
		if (type instanceof UnsignedShortType) return 1 / 65535f;
		if (type instanceof FloatType || type instanceof DoubleType) return 1;
		throw new IllegalArgumentException(name + ": pixel type " + type.getClass().getSimpleName() + " is not " +
			"8-bit, 16-bit or float (the model's [0, 1] range is 8-bit ÷ 255, 16-bit ÷ 65535 or float as it is)");
	}
}
