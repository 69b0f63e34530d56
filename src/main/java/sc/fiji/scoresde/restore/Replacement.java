package sc.fiji.scoresde.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.scoresde.sampling.Conditioning;
import sc.fiji.scoresde.sampling.NoiseSource;

/**
 * The paper's replacement method for inpainting and colorization (Song et al. 2021, appendix I.2; score_sde
 * controllable_generation.py): in a {@link Basis} where the known part is a set of coordinates (mask 1), the run
 * starts from y·m + prior·(1 − m), and after every update the known coordinates are replaced by the data perturbed
 * to the current σ, y + σ·z (VESDE.marginal_prob: mean y, std σ). The result keeps the known coordinates exactly.
 *
 * <p>Two deviations from score_sde, both on purpose: the final estimate takes the unknown part from the sampler's
 * noise-free mean (score_sde's x_mean takes it from the noisy sample, a slip that leaves the last step's noise
 * in), and colorization starts from couple(decouple(y)·m + decouple(prior)·(1 − m)) (score_sde multiplies the
 * prior by (1 − m) before decoupling, which only scales the start). Deterministic samplers replace with noise
 * fixed for the run ({@link #projectFixed}), so the known coordinates follow one smooth forward path.
 */
public final class Replacement implements Conditioning {

	private final Basis basis;
	private final float[] known;
	private final Shape knownShape;
	private final float[] mask;
	private final Shape maskShape;
	private final int resamplings;
	private NDArray y;
	private NDArray m;
	private NDArray keep;
	private NDArray fixedNoise;

	/**
	 * @param known the known coordinates in the basis, (1 or B, C, H, W) flattened (values where the mask is 0 are
	 *          ignored)
	 * @param mask 1 where known, 0 where unknown, (1 or B, 1 or C, H, W) flattened
	 * @param resamplings RePaint resamplings per step (pc only), 0 for the paper's method
	 */
	public Replacement(final Basis basis, final float[] known, final Shape knownShape, final float[] mask,
		final Shape maskShape, final int resamplings)
	{
		if (known.length != knownShape.size() || mask.length != maskShape.size()) throw new IllegalArgumentException(
			"data or mask does not fill its shape");
		if (resamplings < 0 || resamplings > 100) throw new IllegalArgumentException("resamplings " + resamplings +
			" must be between 0 and 100");
		this.basis = basis;
		this.known = known.clone();
		this.knownShape = knownShape;
		this.mask = mask.clone();
		this.maskShape = maskShape;
		this.resamplings = resamplings;
	}

	@Override
	public NDArray begin(final NDManager manager, final NDArray prior, final double sigma) {
		y = manager.create(known, knownShape);
		m = manager.create(mask, maskShape);
		keep = m.neg().add(1f);
		y = y.mul(m);
		fixedNoise = basis.to(prior.div((float) sigma));
		fixedNoise.attach(manager);
		return basis.from(basis.to(prior).mul(keep).add(y));
	}

	private NDArray replace(final NDArray x, final NDArray z, final double sigma) {
		final NDArray coordinates = basis.to(x);
		// z·σ + y, not y + z·σ: a result lands in its first operand's manager, and y's is the run's (same bits)
		return basis.from(coordinates.mul(keep).add(z.mul((float) sigma).add(y).mul(m)));
	}

	@Override
	public NDArray project(final NDArray x, final double sigma, final NoiseSource noise) {
		return replace(x, noise.normal(x.getManager(), x.getShape()), sigma);
	}

	@Override
	public NDArray projectFixed(final NDArray x, final double sigma) {
		return replace(x, fixedNoise, sigma);
	}

	@Override
	public NDArray finish(final NDArray estimate) {
		return basis.from(basis.to(estimate).mul(keep).add(y));
	}

	@Override
	public int resamplings() {
		return resamplings;
	}
}
