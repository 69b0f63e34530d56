package sc.fiji.scoresde.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Coordinates in which k×k average pooling keeps one coordinate per block: each k×k block of each channel is turned
 * by the Householder reflection that takes the block's first pixel axis to the block's mean direction (1/k, …,
 * 1/k). So coordinate 0 of a block (stored at the block's top-left pixel) is k times the block mean, and the other
 * k² − 1 coordinates are what pooling does not see. Orthonormal and its own inverse, so standard normal noise stays
 * standard normal; super-resolution by replacement works in it as inpainting works in pixels.
 */
public final class PoolingBasis implements Basis {

	public final int factor;
	private final float[] reflection;

	public PoolingBasis(final int factor) {
		if (factor < 2) throw new IllegalArgumentException("the pooling factor must be at least 2, not " + factor);
		this.factor = factor;
		final int n = factor * factor;
		// H = I − 2vvᵀ/(vᵀv) with v = e0 − u, u the unit mean direction: H e0 = u, H = Hᵀ = H⁻¹
		final double[] v = new double[n];
		for (int i = 0; i < n; i++)
			v[i] = (i == 0 ? 1 : 0) - 1.0 / factor;
		double norm = 0;
		for (final double e : v)
			norm += e * e;
		reflection = new float[n * n];
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				reflection[i * n + j] = (float) ((i == j ? 1 : 0) - 2 * v[i] * v[j] / norm);
	}

	@Override
	public NDArray to(final NDArray x) {
		return reflect(x);
	}

	@Override
	public NDArray from(final NDArray x) {
		return reflect(x);
	}

	private NDArray reflect(final NDArray x) {
		final Shape s = x.getShape();
		final long b = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
		if (h % factor != 0 || w % factor != 0) throw new IllegalArgumentException("a " + w + "×" + h + " image " +
			"cannot be split into " + factor + "×" + factor + " blocks");
		final int n = factor * factor;
		final NDArray matrix = x.getManager().create(reflection, new Shape(n, n));
		final NDArray blocks = x.reshape(b, c, h / factor, factor, w / factor, factor).transpose(0, 1, 2, 4, 3, 5)
			.reshape(b, c, h / factor, w / factor, n);
		return blocks.matMul(matrix).reshape(b, c, h / factor, w / factor, factor, factor).transpose(0, 1, 2, 4, 3, 5)
			.reshape(b, c, h, w);
	}

	/** Where the observed coordinates lie: 1 at the top-left pixel of every block, (H·W). */
	public float[] mask(final int height, final int width) {
		final float[] m = new float[height * width];
		for (int y = 0; y < height; y += factor)
			for (int x = 0; x < width; x += factor)
				m[y * width + x] = 1;
		return m;
	}

	/** The observed coordinates of a low-resolution image (C, H/k, W/k) laid out as {@link #to} gives them, (C, H, W). */
	public float[] knownCoordinates(final float[] small, final int channels, final int height, final int width) {
		final int sh = height / factor, sw = width / factor;
		final float[] out = new float[channels * height * width];
		for (int c = 0; c < channels; c++)
			for (int y = 0; y < sh; y++)
				for (int x = 0; x < sw; x++)
					out[(c * height + y * factor) * width + x * factor] = factor * small[(c * sh + y) * sw + x];
		return out;
	}
}
