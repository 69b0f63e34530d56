package sc.fiji.scoresde.train;

import ai.djl.ndarray.NDArray;

import sc.fiji.scoresde.sampling.VeSde;

/**
 * The continuous-time denoising score-matching loss of the paper for the VE SDE (score_sde_pytorch losses.py,
 * get_sde_loss_fn with continuous=True, reduce_mean=False, no likelihood weighting): t ~ U(ε, 1),
 * σ = σmin·(σmax/σmin)^t, x̃ = x + σz, loss = mean over the batch of ½·Σ(σ·s(x̃, σ) + z)².
 */
public final class DenoisingScoreMatching {

	/** A network called with one noise level per sample. */
	@FunctionalInterface
	public interface BatchScore {

		/** @param sigmas shape (B) */
		NDArray score(NDArray x, NDArray sigmas);
	}

	private final VeSde sde;

	public DenoisingScoreMatching(final VeSde sde) {
		this.sde = sde;
	}

	/** σ(t) for uniforms u ∈ [0, 1): t = u·(1 − ε) + ε. */
	public float[] sigmas(final float[] uniforms) {
		final float[] s = new float[uniforms.length];
		for (int i = 0; i < s.length; i++)
			s[i] = (float) sde.sigma(uniforms[i] * (1 - sde.eps) + sde.eps);
		return s;
	}

	/**
	 * @param x clean data (B, C, H, W)
	 * @param sigmas noise level per sample, (B)
	 * @param z standard normal noise shaped like x
	 * @return the scalar loss (differentiable when autograd records)
	 */
	public NDArray loss(final BatchScore model, final NDArray x, final NDArray sigmas, final NDArray z) {
		final long b = x.getShape().get(0);
		final NDArray s4 = sigmas.reshape(b, 1, 1, 1);
		final NDArray perturbed = x.add(z.mul(s4));
		final NDArray residual = model.score(perturbed, sigmas).mul(s4).add(z);
		return residual.square().reshape(b, -1).sum(new int[] { 1 }).mul(0.5f).mean();
	}
}
