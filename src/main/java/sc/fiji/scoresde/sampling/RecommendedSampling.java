package sc.fiji.scoresde.sampling;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Sampler settings a model folder recommends for its model (weights/SamplingRecommendationFile reads them): used for
 * whatever the user does not give, with a warning when the user's step budget is far below what the model needs.
 */
public final class RecommendedSampling implements java.io.Serializable {

	private static final long serialVersionUID = 1L;

	/** How the log names these settings. */
	public static final String SOURCE = "recommended by the model folder";

	/** the recommended settings; null fields are not recommended */
	public final SamplerOptions settings;
	/** below this many steps of the recommended sampler the images degrade visibly */
	public final int minSteps;
	/** the file they came from, for messages */
	public final String file;

	/** @param minSteps null: a quarter of the recommended steps */
	public RecommendedSampling(final SamplerOptions settings, final Integer minSteps, final String file) {
		this.settings = settings;
		this.minSteps = minSteps != null ? minSteps : settings.steps != null ? Math.max(1, settings.steps / 4) : 0;
		this.file = file;
	}

	/**
	 * One log line (not an error) when {@code chosen} runs the recommended sampler with fewer than {@link #minSteps}
	 * steps. Other samplers count steps differently (heun makes 2 calls per step, ode none), so they are not judged.
	 */
	public void warnIfFarBelow(final SamplerOptions chosen, final Consumer<String> log) {
		final String recommended = settings.name != null ? settings.name : SamplerOptions.DEFAULT_NAME;
		if (!recommended.equals(chosen.name()) || chosen.steps() >= minSteps) return;
		log.accept(String.format(Locale.ROOT, "warning: %d steps is far below what this model needs (%s recommends " +
			"%s steps of %s; below %d the images degrade, e.g. to salt-and-pepper noise)", chosen.steps(), file,
			settings.steps != null ? settings.steps : "more", recommended, minSteps));
	}
}
