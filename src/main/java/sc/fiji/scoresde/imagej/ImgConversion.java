package sc.fiji.scoresde.imagej;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;

import sc.fiji.scoresde.runtime.GeneratedImages;

/** Generated images as ImgLib2 images of dimensions (X, Y, channel, image). */
public final class ImgConversion {

	private ImgConversion() {}

	/** float [0, 1], as diffusers' "np" output. */
	public static Img<FloatType> toFloatImg(final GeneratedImages g) {
		final float[] xycn = new float[g.nhwc.length];
		reorder(g, (dst, src) -> xycn[dst] = g.nhwc[src]);
		return ArrayImgs.floats(xycn, g.width, g.height, g.channels, g.batch);
	}

	/** 8-bit round(255·x), as diffusers' "pil" output. */
	public static Img<UnsignedByteType> toUint8Img(final GeneratedImages g) {
		final byte[] u8 = g.toUint8();
		final byte[] xycn = new byte[u8.length];
		reorder(g, (dst, src) -> xycn[dst] = u8[src]);
		return ArrayImgs.unsignedBytes(xycn, g.width, g.height, g.channels, g.batch);
	}

	private interface Copy {

		void copy(int dst, int src);
	}

	/** NHWC (channels fastest) to X fastest, then Y, channel, image. */
	private static void reorder(final GeneratedImages g, final Copy copy) {
		for (int n = 0; n < g.batch; n++)
			for (int c = 0; c < g.channels; c++)
				for (int y = 0; y < g.height; y++)
					for (int x = 0; x < g.width; x++)
						copy.copy(((n * g.channels + c) * g.height + y) * g.width + x, ((n * g.height + y) * g.width + x) *
							g.channels + c);
	}
}
