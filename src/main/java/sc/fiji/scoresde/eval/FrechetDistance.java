package sc.fiji.scoresde.eval;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (the statistic behind FID, here on any
 * features): d² = |μ₁ − μ₂|² + Tr(C₁ + C₂ − 2(C₁C₂)^½), with Tr (C₁C₂)^½ computed as Tr (C₁^½ C₂ C₁^½)^½ so that
 * only symmetric eigendecompositions are needed.
 */
public final class FrechetDistance {

	/** The mean and covariance (n − 1 normalisation) of a feature set. */
	public static final class Gaussian {

		public final double[] mean;
		public final double[][] covariance;

		public Gaussian(final double[] mean, final double[][] covariance) {
			this.mean = mean;
			this.covariance = covariance;
		}

		public static Gaussian of(final double[][] features) {
			final int n = features.length;
			if (n < 2) throw new IllegalArgumentException("a covariance needs at least 2 samples, got " + n);
			final int k = features[0].length;
			final double[] mean = new double[k];
			for (final double[] f : features)
				for (int j = 0; j < k; j++)
					mean[j] += f[j];
			for (int j = 0; j < k; j++)
				mean[j] /= n;
			final double[][] cov = new double[k][k];
			for (final double[] f : features)
				for (int a = 0; a < k; a++)
					for (int b = a; b < k; b++)
						cov[a][b] += (f[a] - mean[a]) * (f[b] - mean[b]);
			for (int a = 0; a < k; a++)
				for (int b = a; b < k; b++) {
					cov[a][b] /= n - 1;
					cov[b][a] = cov[a][b];
				}
			return new Gaussian(mean, cov);
		}
	}

	private FrechetDistance() {}

	/** The squared Fréchet distance d² (what FID reports). */
	public static double distance(final Gaussian a, final Gaussian b) {
		final int k = a.mean.length;
		if (b.mean.length != k) throw new IllegalArgumentException("feature sizes differ: " + k + " and " +
			b.mean.length);
		double d = 0;
		for (int j = 0; j < k; j++) {
			final double diff = a.mean[j] - b.mean[j];
			d += diff * diff;
		}
		final RealMatrix ca = MatrixUtils.createRealMatrix(a.covariance);
		final RealMatrix cb = MatrixUtils.createRealMatrix(b.covariance);
		final RealMatrix rootA = symmetricRoot(ca);
		final RealMatrix m = rootA.multiply(cb).multiply(rootA);
		final RealMatrix symmetric = m.add(m.transpose()).scalarMultiply(0.5);
		double traceRoot = 0;
		for (final double v : new EigenDecomposition(symmetric).getRealEigenvalues())
			traceRoot += Math.sqrt(Math.max(0, v));
		return d + ca.getTrace() + cb.getTrace() - 2 * traceRoot;
	}

	static RealMatrix symmetricRoot(final RealMatrix c) {
		final EigenDecomposition e = new EigenDecomposition(c);
		final double[] values = e.getRealEigenvalues();
		final double[] roots = new double[values.length];
		for (int i = 0; i < values.length; i++)
			roots[i] = Math.sqrt(Math.max(0, values[i]));
		return e.getV().multiply(MatrixUtils.createRealDiagonalMatrix(roots)).multiply(e.getVT());
	}
}
