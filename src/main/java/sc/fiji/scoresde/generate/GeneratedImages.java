package sc.fiji.scoresde.generate;

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

	public GeneratedImages(final float[] nhwc, final int batch, final int height, final int width,
		final int channels, final long seed, final String device, final int steps)
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
