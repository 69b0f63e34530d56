package sc.fiji.scoresde.generate;

import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.sampling.SamplerOptions;
import sc.fiji.scoresde.sampling.TorchNoise;

/**
 * What to generate: one batch of images from one seed, with the sampler settings. Serializable so that a distributed
 * run (the Spark job) can ship it to its executors.
 */
public final class GenerationRequest implements java.io.Serializable {

	private static final long serialVersionUID = 1L;

	public static final int MAX_BATCH = 4096;

	/** images of the batch */
	public int batch = 1;
	/** seed of torch.manual_seed; null: pick one (the one used is reported) */
	public Long seed;
	/** not given settings: the model folder's recommendation, else the defaults */
	public SamplerOptions sampler = new SamplerOptions();

	public GenerationRequest() {}

	/** The batch of {@code seed} with these sampler settings (shared, not copied). */
	public GenerationRequest(final SamplerOptions sampler, final int batch, final long seed) {
		this.sampler = sampler;
		this.batch = batch;
		this.seed = seed;
	}

	/** A front end's seed field, where −1 means "pick one": null for −1, else the value (checked by validate). */
	public static Long optionalSeed(final long seed) {
		return seed == -1 ? null : seed;
	}

	/**
	 * @throws InvalidOptionException naming the option, its value and the accepted range
	 */
	public void validate() {
		if (batch < 1 || batch > MAX_BATCH) throw new InvalidOptionException("batch " + batch +
			" must be between 1 and " + MAX_BATCH);
		if (seed != null && (seed < 0 || seed > TorchNoise.MAX_SEED)) throw new InvalidOptionException("seed " + seed +
			" must be between 0 and " + TorchNoise.MAX_SEED + " (or not given: pick one)");
		sampler.validate();
	}
}
