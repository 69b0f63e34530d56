package sc.fiji.scoresde.train;

import ai.djl.ndarray.NDArray;

import sc.fiji.scoresde.model.Scalars;

import sc.fiji.scoresde.sampling.VeSde;

/**
 * The continuous-time denoising score-matching loss of the paper for the VE SDE (score_sde_pytorch losses.py,
 * get_sde_loss_fn with continuous=True, reduce_mean=False, no likelihood weighting): t ~ U(ε, 1),
 * σ = σmin·(σmax/σmin)^t, x̃ = x + σz, loss = mean over the batch of w(σ)·½·Σ(σ·s(x̃, σ) + z)².
 *
 * <p>The paper's weight is w = 1. In terms of the denoiser D = x̃ + σ²s that is ‖D − x‖²/σ²: an error of the
 * denoiser at σ = 10 costs a hundredth of the same error at σ = 1, so a short training leaves the large noise
 * levels, which every sampler starts from, nearly unlearnt. {@link Weighting#EDM} adds σ²/σ_data², which makes the
 * denoiser-space weight 1/σ² + 1/σ_data², the weighting of Karras et al. 2022 (EDM), eq. 8 with their λ(σ).
 */
public final class DenoisingScoreMatching {

	/** A network called with one noise level per sample. */
	@FunctionalInterface
	public interface BatchScore {

		/** @param sigmas shape (B) */
		NDArray score(NDArray x, NDArray sigmas);
	}

	/** The per-sample loss weight w(σ). */
	public enum Weighting {
		/** w = 1 (score_sde_pytorch) */
		PAPER,
		/** w = 1 + σ²/σ_data² (EDM's λ(σ) in the score-matching residual) */
		EDM;

		public static Weighting parse(final String name) {
			for (final Weighting w : values())
				if (w.name().equalsIgnoreCase(name)) return w;
			throw new IllegalArgumentException("loss weighting '" + name + "' is not one of paper, edm");
		}
	}

	private final VeSde sde;
	private final Weighting weighting;
	private final double sigmaData;

	public DenoisingScoreMatching(final VeSde sde) {
		this(sde, Weighting.PAPER, 1);
	}

	/** @param sigmaData the data's standard deviation (only used by EDM weighting) */
	public DenoisingScoreMatching(final VeSde sde, final Weighting weighting, final double sigmaData) {
		if (!(sigmaData > 0 && Double.isFinite(sigmaData))) throw new IllegalArgumentException("sigma_data must be " +
			"positive, got " + sigmaData);
		this.sde = sde;
		this.weighting = weighting;
		this.sigmaData = sigmaData;
	}

	/** w(σ) per sample. */
	public float[] weights(final float[] sigmas) {
		final float[] w = new float[sigmas.length];
		for (int i = 0; i < w.length; i++)
			w[i] = weighting == Weighting.EDM ? (float) (1 + sigmas[i] * (double) sigmas[i] / (sigmaData * sigmaData)) :
				1f;
		return w;
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
		// the ½ as a libtorch-owned scalar: autograd keeps it for the backward pass (see Scalars)
		final NDArray perSample = Scalars.mul(residual.square().reshape(b, -1).sum(new int[] { 1 }), 0.5f);
		if (weighting == Weighting.PAPER) return perSample.mean();
		// w(σ) on the device, from the σ already there (no copy to the host in the training step)
		return perSample.mul(Scalars.add(Scalars.div(sigmas.square(), (float) (sigmaData * sigmaData)), 1f)).mean();
	}
}
