package sc.fiji.scoresde.spark;

import com.google.gson.JsonObject;

import java.io.Serializable;

import java.util.function.Consumer;

import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.sampling.RecommendedSampling;
import sc.fiji.scoresde.sampling.SamplerOptions;
import sc.fiji.scoresde.weights.PipelineFolder;

/**
 * What one distributed run makes: {@code count} images, image k from seed {@code firstSeed + k / imagesPerSeed} at
 * index {@code k % imagesPerSeed} of that seed's batch. Each seed is one solo {@code generate --seed s --batch b} (the
 * last seed's batch may be smaller), the same convention as {@code evaluate}'s chunks, so a seed is the unit of work
 * and of reproducibility: which executor runs it changes nothing.
 */
public final class GenerationPlan implements Serializable {

	private static final long serialVersionUID = 1L;

	/** a pipeline folder on a path every executor sees, a hub id, or null for the bundled model */
	public String model;
	public String device = DeviceChoice.AUTO_NAME;
	public int count;
	public long firstSeed;
	public int imagesPerSeed = 1;
	/**
	 * the sampler settings of every seed's run; those not given are resolved once, on the driver, from the model
	 * folder's recommendation ({@link #resolveSampler}), so that the dataset records what the executors run
	 */
	public SamplerOptions sampler = new SamplerOptions();

	public int seeds() {
		return (count + imagesPerSeed - 1) / imagesPerSeed;
	}

	public int firstImage(final int seedIndex) {
		return seedIndex * imagesPerSeed;
	}

	public int imagesOf(final int seedIndex) {
		return Math.min(imagesPerSeed, count - firstImage(seedIndex));
	}

	public long seed(final int seedIndex) {
		return firstSeed + seedIndex;
	}

	/** The solo request whose images are this seed's. */
	public GenerationRequest request(final int seedIndex) {
		return new GenerationRequest(sampler, imagesOf(seedIndex), seed(seedIndex));
	}

	/** Fills the settings not given from the model folder's recommendation, then the defaults (logged). */
	public void resolveSampler(final PipelineFolder folder, final Consumer<String> log) {
		sampler = RecommendedSampling.resolve(folder.recommendedSampling, sampler, log);
	}

	public void validate() {
		if (count < 1) throw new IllegalArgumentException("--count " + count + " must be at least 1");
		if (imagesPerSeed < 1 || imagesPerSeed > 4096) throw new IllegalArgumentException("--images-per-seed " +
			imagesPerSeed + " must be in 1..4096");
		if (firstSeed < 0 || firstSeed + seeds() - 1 > sc.fiji.scoresde.sampling.TorchNoise.MAX_SEED)
			throw new IllegalArgumentException("seeds " + firstSeed + ".." + (firstSeed + seeds() - 1) +
				" must lie in 0.." + sc.fiji.scoresde.sampling.TorchNoise.MAX_SEED);
		final GenerationRequest first = request(0);
		first.validate();
	}

	/**
	 * Everything that decides the pixels, as written into the dataset's attributes: a later run into the same
	 * dataset must have the same, or its images would mix two settings.
	 */
	public JsonObject describe(final String modelDescription) {
		final JsonObject d = new JsonObject();
		d.addProperty("model", modelDescription);
		d.addProperty("count", count);
		d.addProperty("first_seed", firstSeed);
		d.addProperty("images_per_seed", imagesPerSeed);
		d.addProperty("image_seed_rule", "image k: seed first_seed + floor(k / images_per_seed), index k mod " +
			"images_per_seed of that seed's batch");
		d.addProperty("sampler", sampler.name());
		d.addProperty("steps", sampler.steps());
		if (sampler.snr != null) d.addProperty("snr", sampler.snr);
		if (sampler.correctSteps != null) d.addProperty("correct_steps", sampler.correctSteps);
		if ("ode".equals(sampler.name())) d.addProperty("ode_tolerance", sampler.odeTolerance());
		if (sampler.churn() != 0) d.addProperty("churn", sampler.churn());
		d.addProperty("value_range", "[0, 1], as diffusers' output_type=\"np\"");
		return d;
	}
}
