package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Turns noise into samples with a score model. Every sampler sees the network only through {@link ScoreModel}, draws
 * its noise from a {@link NoiseSource}, reports each network call, checks for cancellation before each call, and
 * frees its per-step arrays as it goes.
 */
public interface Sampler {

	/** A short name, as on the command line. */
	String name();

	/** Network calls the run will make, or −1 when the sampler is adaptive. */
	int plannedCalls();

	/**
	 * @param manager owns the result
	 * @param shape (B, C, H, W)
	 * @return the final samples (the noise-free mean where the sampler has one), not clamped
	 */
	NDArray sample(ScoreModel model, NDManager manager, Shape shape, NoiseSource noise, SamplingControl control);
}
