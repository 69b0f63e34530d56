package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * A Gaussian mixture Σ_k w_k N(μ_k, Σ_k) with full covariances, in double precision, where everything the
 * conditional methods need has a closed form: the exact score of its VE perturbation, exact samples, and the exact
 * posterior given a linear observation y = A·x + n, n ~ N(0, r·I), which is again such a mixture. Inpainting (A
 * picks pixels), colorization (A takes the grey value of each pixel) and denoising (A = I, r = σ_y²) are the cases.
 * A covariance may be singular (a posterior given exact observations is); it must be positive semi-definite.
 */
public final class GaussianMixture {

	public final double[] weights;
	public final double[][] means;
	public final double[][][] covariances;
	private final double[][] eigenvalues;
	/** eigenvectors as columns, per mode */
	private final double[][][] eigenvectors;

	public GaussianMixture(final double[] weights, final double[][] means, final double[][][] covariances) {
		final int k = weights.length;
		if (k == 0 || means.length != k || covariances.length != k) throw new IllegalArgumentException(
			"need as many means and covariances as weights (" + k + ")");
		final int d = means[0].length;
		double total = 0;
		for (final double w : weights) {
			if (!(w >= 0)) throw new IllegalArgumentException("mixture weights must be ≥ 0, got " + w);
			total += w;
		}
		if (!(total > 0)) throw new IllegalArgumentException("mixture weights sum to " + total);
		this.weights = new double[k];
		this.means = new double[k][];
		this.covariances = new double[k][][];
		eigenvalues = new double[k][];
		eigenvectors = new double[k][][];
		for (int m = 0; m < k; m++) {
			if (means[m].length != d || covariances[m].length != d) throw new IllegalArgumentException("mode " + m +
				" is not " + d + "-dimensional");
			this.weights[m] = weights[m] / total;
			this.means[m] = means[m].clone();
			final double[][] c = new double[d][d];
			for (int i = 0; i < d; i++)
				for (int j = 0; j < d; j++)
					c[i][j] = 0.5 * (covariances[m][i][j] + covariances[m][j][i]);
			this.covariances[m] = c;
			final EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(c, false));
			final double[] values = e.getRealEigenvalues();
			double largest = 0;
			for (final double v : values)
				largest = Math.max(largest, Math.abs(v));
			for (int i = 0; i < d; i++) {
				if (values[i] < -1e-9 * Math.max(1, largest)) throw new IllegalArgumentException("covariance of mode " +
					m + " is not positive semi-definite (eigenvalue " + values[i] + ")");
				values[i] = Math.max(0, values[i]);
			}
			eigenvalues[m] = values;
			eigenvectors[m] = e.getV().getData();
		}
	}

	public int modes() {
		return weights.length;
	}

	public int dims() {
		return means[0].length;
	}

	/** The standard deviation of every coordinate of mode k. */
	public double[] std(final int k) {
		final double[] s = new double[dims()];
		for (int i = 0; i < s.length; i++)
			s[i] = Math.sqrt(Math.max(0, covariances[k][i][i]));
		return s;
	}

	/** The mean of the whole mixture. */
	public double[] mean() {
		final double[] out = new double[dims()];
		for (int k = 0; k < modes(); k++)
			for (int i = 0; i < out.length; i++)
				out[i] += weights[k] * means[k][i];
		return out;
	}

	/**
	 * The exact log-density at x of the mixture perturbed by N(0, σ²I): log Σ_k w_k N(x; μ_k, Σ_k + σ²I), in nats
	 * (each mode in its eigenbasis; σ = 0 needs non-singular covariances).
	 */
	public double logDensity(final double[] x, final double sigma) {
		final int d = dims();
		if (x.length != d) throw new IllegalArgumentException("point has " + x.length + " coordinates, not " + d);
		final double[] logs = new double[modes()];
		double max = Double.NEGATIVE_INFINITY;
		for (int k = 0; k < modes(); k++) {
			double quadratic = 0, logDet = 0;
			for (int j = 0; j < d; j++) {
				double projected = 0;
				for (int i = 0; i < d; i++)
					projected += eigenvectors[k][i][j] * (x[i] - means[k][i]);
				final double v = eigenvalues[k][j] + sigma * sigma;
				quadratic += projected * projected / v;
				logDet += Math.log(v);
			}
			logs[k] = Math.log(weights[k]) - 0.5 * (d * Math.log(2 * Math.PI) + logDet + quadratic);
			max = Math.max(max, logs[k]);
		}
		double sum = 0;
		for (final double l : logs)
			sum += Math.exp(l - max);
		return max + Math.log(sum);
	}

	/** n exact samples, flattened (n × D), from {@code seed}. */
	public float[] sample(final int n, final long seed) {
		final Random r = new Random(seed);
		final int d = dims();
		final float[] out = new float[n * d];
		final double[] z = new double[d];
		for (int s = 0; s < n; s++) {
			final int k = pick(r.nextDouble());
			for (int i = 0; i < d; i++)
				z[i] = Math.sqrt(eigenvalues[k][i]) * r.nextGaussian();
			for (int i = 0; i < d; i++) {
				double v = means[k][i];
				for (int j = 0; j < d; j++)
					v += eigenvectors[k][i][j] * z[j];
				out[s * d + i] = (float) v;
			}
		}
		return out;
	}

	private int pick(double u) {
		int k = 0;
		while (k < weights.length - 1 && u >= weights[k]) {
			u -= weights[k];
			k++;
		}
		return k;
	}

	/**
	 * The posterior given y = A·x + n with n ~ N(0, noise·I): per mode S = AΣAᵀ + noise·I, gain G = ΣAᵀS⁻¹, mean
	 * μ + G(y − Aμ), covariance Σ − GAΣ, weight ∝ w·N(y; Aμ, S).
	 *
	 * @param a the observation matrix, m × D (full row rank when noise is 0)
	 */
	public GaussianMixture posterior(final double[][] a, final double noise, final double[] y) {
		final RealMatrix am = new Array2DRowRealMatrix(a, false);
		final int m = am.getRowDimension();
		if (am.getColumnDimension() != dims() || y.length != m) throw new IllegalArgumentException(
			"observation matrix " + m + "×" + am.getColumnDimension() + " and " + y.length + " values do not fit " +
				dims() + " dimensions");
		final RealVector yv = new ArrayRealVector(y, false);
		final int k = modes();
		final double[] logW = new double[k];
		final double[][] mu = new double[k][];
		final double[][][] cov = new double[k][][];
		for (int c = 0; c < k; c++) {
			final RealMatrix sigma = new Array2DRowRealMatrix(covariances[c], false);
			final RealMatrix sa = sigma.multiply(am.transpose());
			final RealMatrix s = am.multiply(sa);
			for (int i = 0; i < m; i++)
				s.addToEntry(i, i, noise);
			final CholeskyDecomposition ch = new CholeskyDecomposition(s, 1e-12, 1e-14);
			final RealVector residual = yv.subtract(am.operate(new ArrayRealVector(means[c], false)));
			final RealVector solved = ch.getSolver().solve(residual);
			double logDet = 0;
			for (int i = 0; i < m; i++)
				logDet += 2 * Math.log(ch.getL().getEntry(i, i));
			logW[c] = Math.log(weights[c]) - 0.5 * residual.dotProduct(solved) - 0.5 * logDet - 0.5 * m * Math.log(
				2 * Math.PI);
			mu[c] = new ArrayRealVector(means[c], false).add(sa.operate(solved)).toArray();
			// gain Gᵀ = S⁻¹(AΣ), so Σ − G·A·Σ = Σ − (AΣ)ᵀ·S⁻¹·(AΣ)
			final RealMatrix gt = ch.getSolver().solve(sa.transpose());
			cov[c] = sigma.subtract(sa.multiply(gt)).getData();
		}
		double max = Double.NEGATIVE_INFINITY;
		for (final double l : logW)
			max = Math.max(max, l);
		final double[] w = new double[k];
		for (int c = 0; c < k; c++)
			w[c] = Math.exp(logW[c] - max);
		return new GaussianMixture(w, mu, cov);
	}

	/** The exact score of the mixture perturbed by N(0, σ²I), as float32 network stand-in. */
	public ScoreModel score(final NDManager manager) {
		return new Score(manager);
	}

	/**
	 * s(x, σ) = Σ_k r_k(x)·(Σ_k + σ²I)⁻¹(μ_k − x), with r = softmax_k(ln w_k + ln N(x; μ_k, Σ_k + σ²I)); each mode
	 * works in its eigenbasis, so the inverse is a division.
	 */
	private final class Score implements ScoreModel {

		private final NDArray[] meansArray;
		private final NDArray[] bases;
		/** the transposed bases, made once: made per call they would land in this long-lived manager */
		private final NDArray[] transposed;
		private final NDArray logWeights;

		Score(final NDManager manager) {
			final int k = modes(), d = dims();
			meansArray = new NDArray[k];
			bases = new NDArray[k];
			transposed = new NDArray[k];
			final float[] lw = new float[k];
			for (int c = 0; c < k; c++) {
				final float[] mu = new float[d];
				final float[] v = new float[d * d];
				for (int i = 0; i < d; i++) {
					mu[i] = (float) means[c][i];
					for (int j = 0; j < d; j++)
						v[i * d + j] = (float) eigenvectors[c][i][j];
				}
				meansArray[c] = manager.create(mu, new Shape(1, d));
				bases[c] = manager.create(v, new Shape(d, d));
				transposed[c] = bases[c].transpose();
				lw[c] = (float) Math.log(Math.max(weights[c], Double.MIN_VALUE));
			}
			logWeights = manager.create(lw, new Shape(1, k));
		}

		@Override
		public NDArray score(final NDArray x, final float sigma) {
			final Shape shape = x.getShape();
			final long b = shape.get(0);
			final int k = modes(), d = dims();
			final NDArray flat = x.reshape(b, d);
			final NDArray[] logs = new NDArray[k];
			final NDArray[] scores = new NDArray[k];
			final double s2 = (double) sigma * sigma;
			for (int c = 0; c < k; c++) {
				final float[] inv = new float[d];
				double logDet = 0;
				for (int i = 0; i < d; i++) {
					final double v = eigenvalues[c][i] + s2;
					inv[i] = (float) (1 / v);
					logDet += Math.log(v);
				}
				final NDArray invArray = x.getManager().create(inv, new Shape(1, d));
				// −(x − μ) rather than μ − x: a result lives in its first operand's manager, and μ's is the long-lived
				// one of the score model, where every step's arrays would pile up (21 GB at 32768 particles × 400
				// steps); the value is the same to the bit
				final NDArray projected = flat.sub(meansArray[c]).neg().matMul(bases[c]);
				final NDArray scaled = projected.mul(invArray);
				logs[c] = projected.mul(scaled).sum(new int[] { 1 }, true).mul(-0.5f).sub((float) (0.5 * logDet));
				scores[c] = scaled.matMul(transposed[c]);
			}
			final NDArray r = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(logs), 1).add(logWeights)
				.softmax(1);
			NDArray out = null;
			for (int c = 0; c < k; c++) {
				final NDArray part = scores[c].mul(r.get(":, " + c + ":" + (c + 1)));
				out = out == null ? part : out.add(part);
			}
			return out.reshape(shape);
		}
	}
}
