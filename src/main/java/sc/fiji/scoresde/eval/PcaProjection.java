package sc.fiji.scoresde.eval;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;

/**
 * A fixed linear feature map for comparing image sets: the leading principal components of a reference set
 * (here the training images), fitted once and applied unchanged to every set compared.
 */
public final class PcaProjection {

	private final double[] mean;
	/** components × dims, unit rows, by decreasing variance */
	private final double[][] components;
	private final double[] variances;

	private PcaProjection(final double[] mean, final double[][] components, final double[] variances) {
		this.mean = mean;
		this.components = components;
		this.variances = variances;
	}

	/**
	 * @param data n rows of {@code dims} values, row-major
	 * @param k the number of components kept
	 */
	public static PcaProjection fit(final float[] data, final int n, final int dims, final int k) {
		if (n < 2 || dims < 1 || (long) n * dims > data.length) throw new IllegalArgumentException("need at least 2 " +
			"rows of " + dims + " values, have " + data.length + " values for " + n + " rows");
		if (k < 1 || k > dims) throw new IllegalArgumentException("components must be in 1.." + dims + ", got " + k);
		final double[] mean = new double[dims];
		for (int i = 0; i < n; i++)
			for (int j = 0; j < dims; j++)
				mean[j] += data[i * dims + j];
		for (int j = 0; j < dims; j++)
			mean[j] /= n;
		final double[][] cov = new double[dims][dims];
		final double[] row = new double[dims];
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < dims; j++)
				row[j] = data[i * dims + j] - mean[j];
			for (int a = 0; a < dims; a++) {
				final double ra = row[a];
				if (ra == 0) continue;
				final double[] ca = cov[a];
				for (int b = a; b < dims; b++)
					ca[b] += ra * row[b];
			}
		}
		for (int a = 0; a < dims; a++)
			for (int b = a; b < dims; b++) {
				cov[a][b] /= n - 1;
				cov[b][a] = cov[a][b];
			}
		final EigenDecomposition eigen = new EigenDecomposition(MatrixUtils.createRealMatrix(cov));
		final double[] values = eigen.getRealEigenvalues();
		final Integer[] order = new Integer[dims];
		for (int i = 0; i < dims; i++)
			order[i] = i;
		java.util.Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
		final double[][] components = new double[k][];
		final double[] variances = new double[k];
		for (int c = 0; c < k; c++) {
			components[c] = eigen.getEigenvector(order[c]).toArray();
			variances[c] = values[order[c]];
		}
		return new PcaProjection(mean, components, variances);
	}

	public int dims() {
		return mean.length;
	}

	public int components() {
		return components.length;
	}

	/** The variance of the reference set along each kept component. */
	public double[] variances() {
		return variances.clone();
	}

	/** n rows of features. */
	public double[][] project(final float[] data, final int n) {
		final int dims = mean.length;
		if ((long) n * dims > data.length) throw new IllegalArgumentException(n + " rows of " + dims +
			" values need " + (long) n * dims + " values, have " + data.length);
		final double[][] out = new double[n][components.length];
		final double[] row = new double[dims];
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < dims; j++)
				row[j] = data[i * dims + j] - mean[j];
			for (int c = 0; c < components.length; c++) {
				final double[] w = components[c];
				double s = 0;
				for (int j = 0; j < dims; j++)
					s += w[j] * row[j];
				out[i][c] = s;
			}
		}
		return out;
	}
}
