package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What a sampler does with a user's image: where the run starts, what it imposes after every update, and how the
 * result is finished. {@link #NONE} leaves every sampler exactly as it is (no arithmetic, no noise draws), so plain
 * generation keeps its parity. Implementations: {@code sc.fiji.scoresde.restore} (inpainting and colorization by
 * replacement, denoising and guided synthesis by their starting point).
 *
 * <p>Arrays a conditioning keeps across a run live in the manager given to {@link #begin}; the arrays it returns
 * must land in the manager of the array it was given.
 */
public interface Conditioning {

	Conditioning NONE = new Conditioning() {

		@Override
		public boolean isNone() {
			return true;
		}
	};

	/** true only for {@link #NONE}: samplers then skip every hook. */
	default boolean isNone() {
		return false;
	}

	/**
	 * The first sample of the run.
	 *
	 * @param manager lives as long as the run
	 * @param prior the sampler's own first draw, z·σ_start
	 * @param sigma σ_start, the noise level the sampler starts at
	 */
	default NDArray begin(final NDManager manager, final NDArray prior, final double sigma) {
		return prior;
	}

	/**
	 * After a stochastic update: the sample as it should be at noise level {@code sigma} (fresh noise allowed).
	 */
	default NDArray project(final NDArray x, final double sigma, final NoiseSource noise) {
		return x;
	}

	/**
	 * After an update of a deterministic sampler (ode, heun without churn) or on an ODE stage: the same as
	 * {@link #project} but with noise fixed for the whole run, so the trajectory stays smooth in σ.
	 */
	default NDArray projectFixed(final NDArray x, final double sigma) {
		return x;
	}

	/**
	 * {@link #finish} with the intermediates in a scope of their own: the estimate is consumed and the result lands
	 * in {@code manager}. Every sampler ends a conditioned run with it.
	 */
	static NDArray finishInto(final NDManager manager, final Conditioning conditioning, final NDArray estimate) {
		try (NDManager last = manager.newSubManager()) {
			estimate.attach(last);
			final NDArray out = conditioning.finish(estimate);
			out.attach(manager);
			return out;
		}
	}

	/** The result from the sampler's final (noise-free) estimate. */
	default NDArray finish(final NDArray estimate) {
		return estimate;
	}

	/**
	 * RePaint's resampling ("time travel", Lugmayr et al. 2022): after each step, add back the step's noise and redo
	 * it this many times, so that unknown pixels see the known ones for longer. Only the pc sampler does it.
	 */
	default int resamplings() {
		return 0;
	}
}
