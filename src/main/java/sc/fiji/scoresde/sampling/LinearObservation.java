package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import sc.fiji.scoresde.errors.InvalidOptionException;

/**
 * A linear observation y = A·x of an image x (C, H, W) where every observed value is the mean of a group of pixel
 * values and the groups do not overlap: known pixels (inpainting; denoising when every pixel is known), the grey value
 * (R+G+B)/3 of each pixel (colorization) and k×k average pooling per channel (super-resolution). Such an A has
 * orthogonal rows of equal norm, so its singular value decomposition is written down directly: the observed
 * coordinates of x are u_j·x with u_j = 1_{G_j}/√n (n the group size), equal to √n times the group mean, and the
 * singular value is 1/√n. The sampler works in pixel space with {@link #coordinates} and {@link #spread}.
 */
public final class LinearObservation {

	public enum Kind {
		/** known pixels, every channel of a pixel together */
		MASK,
		/** (R+G+B)/3 per pixel */
		GREY,
		/** the mean of each k×k block, per channel */
		POOL
	}

	public final Kind kind;
	/** POOL: the block size k; otherwise 1 */
	public final int factor;
	/** MASK: H·W, 1 where the pixel is known; otherwise null */
	private final float[] known;
	private final int channels, height, width;

	private LinearObservation(final Kind kind, final int factor, final float[] known, final int channels,
		final int height, final int width)
	{
		this.kind = kind;
		this.factor = factor;
		this.known = known;
		this.channels = channels;
		this.height = height;
		this.width = width;
	}

	/** Known pixels: {@code known} holds H·W values, nonzero where the pixel (all its channels) is observed. */
	public static LinearObservation knownPixels(final float[] known, final int channels, final int height,
		final int width)
	{
		if (known.length != height * width) throw new IllegalArgumentException("the mask has " + known.length +
			" values; the image has " + height + "×" + width + " pixels");
		final float[] mask = new float[known.length];
		int count = 0;
		for (int i = 0; i < known.length; i++)
			if (known[i] != 0) {
				mask[i] = 1;
				count++;
			}
		if (count == 0) throw new InvalidOptionException("no pixel is known: the observation is empty (mark the known " +
			"pixels, or generate instead)");
		return new LinearObservation(Kind.MASK, 1, mask, channels, height, width);
	}

	/** Every pixel observed (denoising). */
	public static LinearObservation allPixels(final int channels, final int height, final int width) {
		final float[] all = new float[height * width];
		java.util.Arrays.fill(all, 1f);
		return new LinearObservation(Kind.MASK, 1, all, channels, height, width);
	}

	/** The grey value of an RGB image. */
	public static LinearObservation grey(final int channels, final int height, final int width) {
		if (channels != 3) throw new InvalidOptionException("colorization needs a model of 3 channels (RGB); this " +
			"model has " + channels);
		return new LinearObservation(Kind.GREY, 1, null, channels, height, width);
	}

	/** k×k average pooling (an image k times smaller than the model's). */
	public static LinearObservation pooling(final int k, final int channels, final int height, final int width) {
		if (k < 2) throw new InvalidOptionException("the super-resolution factor must be at least 2, not " + k);
		if (height % k != 0 || width % k != 0) throw new InvalidOptionException("a " + width + "×" + height +
			" image cannot be split into " + k + "×" + k + " blocks; the factor must divide both sides");
		return new LinearObservation(Kind.POOL, k, null, channels, height, width);
	}

	/** n, the number of pixel values whose mean one observed value is. */
	public int groupSize() {
		switch (kind) {
			case GREY:
				return channels;
			case POOL:
				return factor * factor;
			default:
				return 1;
		}
	}

	/** The shape of y for one image: (C, H, W), (1, H, W) or (C, H/k, W/k). */
	public Shape observedShape() {
		switch (kind) {
			case GREY:
				return new Shape(1, height, width);
			case POOL:
				return new Shape(channels, height / factor, width / factor);
			default:
				return new Shape(channels, height, width);
		}
	}

	/** How many values are observed (unknown pixels of a mask do not count). */
	public int observedCount() {
		if (kind != Kind.MASK) return (int) observedShape().size();
		int count = 0;
		for (final float k : known)
			count += k != 0 ? 1 : 0;
		return count * channels;
	}

	/** A·x for a batch (B, C, H, W): the group means (B, observed shape); unknown pixels of a mask give 0. */
	public NDArray apply(final NDArray x) {
		final Shape s = x.getShape();
		switch (kind) {
			case GREY:
				return x.mean(new int[] { 1 }, true);
			case POOL:
				return x.reshape(s.get(0), channels, height / factor, factor, width / factor, factor).mean(new int[] { 5 })
					.mean(new int[] { 3 }); // one axis at a time: DJL's PyTorch mean takes one
			default:
				return x.mul(mask(x));
		}
	}

	/** y with the values a mask does not observe set to 0 (y has the observed shape; other kinds: y itself). */
	public NDArray restrict(final NDArray y) {
		return kind == Kind.MASK ? y.mul(mask(y)) : y;
	}

	/** The observed coordinates u_j·x = √n·(A·x)_j. */
	public NDArray coordinates(final NDArray x) {
		return apply(x).mul((float) Math.sqrt(groupSize()));
	}

	/**
	 * The image whose observed coordinates are {@code v} (B, observed shape) and whose other coordinates are 0:
	 * Σ_j v_j·u_j. So x + spread(v − coordinates(x)) sets the observed coordinates of x to v and keeps the rest.
	 */
	public NDArray spread(final NDArray v) {
		final float scale = (float) (1 / Math.sqrt(groupSize()));
		switch (kind) {
			case GREY:
				return v.repeat(1, channels).mul(scale);
			case POOL:
				return v.repeat(2, factor).repeat(3, factor).mul(scale);
			default:
				return v.mul(mask(v));
		}
	}

	/** A as a dense matrix (observed values × C·H·W, rows in the order of y's known values), for exact posteriors. */
	public double[][] matrix() {
		final int plane = height * width, d = channels * plane;
		final java.util.List<double[]> rows = new java.util.ArrayList<>();
		switch (kind) {
			case GREY:
				for (int p = 0; p < plane; p++) {
					final double[] row = new double[d];
					for (int c = 0; c < channels; c++)
						row[c * plane + p] = 1.0 / channels;
					rows.add(row);
				}
				break;
			case POOL:
				for (int c = 0; c < channels; c++)
					for (int by = 0; by < height / factor; by++)
						for (int bx = 0; bx < width / factor; bx++) {
							final double[] row = new double[d];
							for (int dy = 0; dy < factor; dy++)
								for (int dx = 0; dx < factor; dx++)
									row[c * plane + (by * factor + dy) * width + bx * factor + dx] = 1.0 / (factor * factor);
							rows.add(row);
						}
				break;
			default:
				for (int c = 0; c < channels; c++)
					for (int p = 0; p < plane; p++)
						if (known[p] != 0) {
							final double[] row = new double[d];
							row[c * plane + p] = 1;
							rows.add(row);
						}
		}
		return rows.toArray(new double[0][]);
	}

	/** The known values of y (one image, observed shape, flattened) in the row order of {@link #matrix}. */
	public double[] knownValues(final float[] y) {
		if (kind != Kind.MASK) {
			final double[] out = new double[y.length];
			for (int i = 0; i < y.length; i++)
				out[i] = y[i];
			return out;
		}
		final double[] out = new double[observedCount()];
		final int plane = height * width;
		int i = 0;
		for (int c = 0; c < channels; c++)
			for (int p = 0; p < plane; p++)
				if (known[p] != 0) out[i++] = y[c * plane + p];
		return out;
	}

	private NDArray mask(final NDArray like) {
		return like.getManager().create(known, new Shape(1, 1, height, width));
	}
}
