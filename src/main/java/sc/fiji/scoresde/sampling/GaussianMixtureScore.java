package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The exact score of a VE-perturbed Gaussian mixture: data x ~ Σ_k w_k N(μ_k, s²I) in D dimensions perturbed by
 * N(0, σ²I) has density Σ_k w_k N(μ_k, (s²+σ²)I), whose score is Σ_k r_k(x)(μ_k − x)/(s²+σ²) with
 * r = softmax_k(ln w_k − ‖x − μ_k‖²/(2(s²+σ²))). Samplers can be judged against the known truth with it.
 */
public final class GaussianMixtureScore implements ScoreModel {

	private final NDArray means;
	/** made once: a per-call transpose would land in the long-lived manager of the means */
	private final NDArray meansTransposed;
	private final NDArray logWeights;
	private final NDArray meanSquares;
	private final double variance;
	private final long dims;

	/**
	 * @param means (K, D) in {@code manager}
	 * @param weights K mixture weights (summing to 1)
	 * @param std s, the standard deviation of every mode in every dimension
	 */
	public GaussianMixtureScore(final NDManager manager, final float[][] means, final double[] weights,
		final double std)
	{
		final int k = means.length;
		this.dims = means[0].length;
		final float[] flat = new float[(int) (k * dims)];
		for (int i = 0; i < k; i++)
			System.arraycopy(means[i], 0, flat, (int) (i * dims), (int) dims);
		this.means = manager.create(flat, new Shape(k, dims));
		final float[] lw = new float[k];
		for (int i = 0; i < k; i++)
			lw[i] = (float) Math.log(weights[i]);
		this.logWeights = manager.create(lw, new Shape(1, k));
		this.meansTransposed = this.means.transpose();
		this.meanSquares = this.means.square().sum(new int[] { 1 }).reshape(1, k);
		this.variance = std * std;
	}

	@Override
	public NDArray score(final NDArray x, final float sigma) {
		final Shape shape = x.getShape();
		final long b = shape.get(0);
		final NDArray flat = x.reshape(b, dims);
		final float v = (float) (variance + (double) sigma * sigma);
		final NDArray cross = flat.matMul(meansTransposed);
		final NDArray distances = flat.square().sum(new int[] { 1 }, true).sub(cross.mul(2f)).add(meanSquares);
		final NDArray r = distances.div(-2f * v).add(logWeights).softmax(1);
		return r.matMul(means).sub(flat).div(v).reshape(shape);
	}
}
