package sc.fiji.scoresde.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The paper's decoupling of RGB (score_sde controllable_generation.py, get_pc_colorizer): an orthonormal 3×3
 * matrix M whose first column is (1, 1, 1)/√3, so channel 0 of x·M is the grey value (R+G+B)/√3 and channels 1, 2
 * are colour. Columns 2 and 3 are (−2, 1, 1)/√6 and (0, 1, −1)/√2, the matrix score_sde writes out in float32.
 */
public final class ColourBasis implements Basis {

	/** M[i][j]: input channel i, output channel j. */
	static final double[][] M = { { 1 / Math.sqrt(3), -2 / Math.sqrt(6), 0 }, { 1 / Math.sqrt(3), 1 / Math.sqrt(6), 1 /
		Math.sqrt(2) }, { 1 / Math.sqrt(3), 1 / Math.sqrt(6), -1 / Math.sqrt(2) } };

	public static final ColourBasis INSTANCE = new ColourBasis();

	private ColourBasis() {}

	private static NDArray mix(final NDArray x, final boolean transposed) {
		final Shape s = x.getShape();
		if (s.dimension() != 4 || s.get(1) != 3) throw new IllegalArgumentException("colour coordinates need (B, 3, H, W)" +
			", not " + s);
		final float[] m = new float[9];
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++)
				m[i * 3 + j] = (float) (transposed ? M[j][i] : M[i][j]);
		final NDArray matrix = x.getManager().create(m, new Shape(3, 3));
		return x.transpose(0, 2, 3, 1).matMul(matrix).transpose(0, 3, 1, 2);
	}

	@Override
	public NDArray to(final NDArray x) {
		return mix(x, false);
	}

	@Override
	public NDArray from(final NDArray x) {
		return mix(x, true);
	}

	/** Coordinates of a grey image g (same value in R, G, B): (√3·g, 0, 0), as a flat (C, H, W) array. */
	public static float[] greyCoordinates(final float[] grey, final int plane) {
		final float[] out = new float[3 * plane];
		for (int i = 0; i < plane; i++)
			out[i] = (float) (Math.sqrt(3) * grey[i]);
		return out;
	}
}
