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
	default NDArray sample(final ScoreModel model, final NDManager manager, final Shape shape,
		final NoiseSource noise, final SamplingControl control)
	{
		return sample(model, manager, shape, noise, control, Conditioning.NONE);
	}

	/**
	 * The same run under a {@link Conditioning}: inpainting, colorization, denoising, guided synthesis. With
	 * {@link Conditioning#NONE} it is exactly the plain run.
	 */
	NDArray sample(ScoreModel model, NDManager manager, Shape shape, NoiseSource noise, SamplingControl control,
		Conditioning conditioning);

	/** Network calls of a run under {@code conditioning} (−1 when adaptive). */
	default int plannedCalls(final Conditioning conditioning) {
		return plannedCalls();
	}
}
