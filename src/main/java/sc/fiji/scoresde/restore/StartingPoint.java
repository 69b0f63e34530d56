package sc.fiji.scoresde.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.scoresde.sampling.Conditioning;

/**
 * Runs that differ from generation only in where they start, with the sampler's σmax set to σ_start.
 * Denoising: an image with N(0, σ_y²) noise is a draw of the VE forward process at σ_y, so the run starts from the
 * image itself at σ_start = σ_y and gives posterior samples of the clean image. Guided synthesis (SDEdit, Meng et
 * al. 2022): the image perturbed to σ(t0), y + σ(t0)·z, with z the sampler's own first draw.
 */
public final class StartingPoint implements Conditioning {

	private final float[] image;
	private final Shape shape;
	private final boolean addNoise;

	private StartingPoint(final float[] image, final Shape shape, final boolean addNoise) {
		if (image.length != shape.size()) throw new IllegalArgumentException("image does not fill " + shape);
		this.image = image.clone();
		this.shape = shape;
		this.addNoise = addNoise;
	}

	/** Starts at the (already noisy) image; the sampler's first draw is not used. */
	public static StartingPoint noisyImage(final float[] image, final Shape shape) {
		return new StartingPoint(image, shape, false);
	}

	/** Starts at image + σ_start·z (SDEdit). */
	public static StartingPoint perturbedImage(final float[] image, final Shape shape) {
		return new StartingPoint(image, shape, true);
	}

	@Override
	public NDArray begin(final NDManager manager, final NDArray prior, final double sigma) {
		final NDArray y = manager.create(image, shape);
		final NDArray start = addNoise ? prior.add(y) : y.broadcast(prior.getShape());
		return start;
	}
}
