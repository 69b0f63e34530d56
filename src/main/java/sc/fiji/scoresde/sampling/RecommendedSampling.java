package sc.fiji.scoresde.sampling;

import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sampler settings a model folder recommends for its model (weights/SamplingRecommendationFile reads them): used for
 * whatever the user does not give, with a warning when the user's step budget is far below what the model needs.
 * One sampler is the recommendation; others may have settings of their own, for a user who names them (a step
 * count means different work per sampler: pc makes two calls per step, heun two per step less one).
 */
public final class RecommendedSampling implements java.io.Serializable {

	private static final long serialVersionUID = 2L;

	/** How the log names these settings. */
	public static final String SOURCE = "recommended by the model folder";

	/** the recommended settings; null fields are not recommended (a null name: the default sampler) */
	public final SamplerOptions settings;
	/** below this many steps of the recommended sampler the images degrade visibly */
	public final int minSteps;
	/** the file they came from, for messages */
	public final String file;
	/**
	 * Settings for other samplers, by name (their {@code settings.name} is that name): for a user who picks one of
	 * them they replace the recommended sampler's; a setting they leave out is the recommended sampler's.
	 */
	public final Map<String, RecommendedSampling> otherSamplers;

	/** @param minSteps null: a quarter of the recommended steps */
	public RecommendedSampling(final SamplerOptions settings, final Integer minSteps, final String file) {
		this(settings, minSteps, file, Map.of());
	}

	/** @param minSteps null: a quarter of the recommended steps */
	public RecommendedSampling(final SamplerOptions settings, final Integer minSteps, final String file,
		final Map<String, RecommendedSampling> otherSamplers)
	{
		this.settings = settings;
		this.minSteps = minSteps != null ? minSteps : settings.steps != null ? Math.max(1, settings.steps / 4) : 0;
		this.file = file;
		this.otherSamplers = Map.copyOf(otherSamplers);
	}

	/** the recommended sampler's name ({@link SamplerOptions#DEFAULT_NAME} when the file names none) */
	public String samplerName() {
		return settings.name != null ? settings.name : SamplerOptions.DEFAULT_NAME;
	}

	/**
	 * The settings of a run: those given, then the recommendation for the sampler that runs (the given one, else the
	 * recommended one), then the defaults; one log line names each setting's source, and a second warns when the
	 * steps are far below the recommendation for that sampler.
	 *
	 * @param recommended null: the folder recommends nothing
	 */
	public static SamplerOptions resolve(final RecommendedSampling recommended, final SamplerOptions given,
		final Consumer<String> log)
	{
		if (recommended == null) return given.withFallback(null, SOURCE, log);
		final String name = given.name != null ? given.name : recommended.samplerName();
		final RecommendedSampling own = recommended.otherSamplers.get(name);
		final SamplerOptions chosen = given.withFallback(own == null ? recommended.settings : own.settings.orElse(
			recommended.settings), SOURCE, log);
		(own == null ? recommended : own).warnIfFarBelow(chosen, log);
		return chosen;
	}

	/**
	 * One log line (not an error) when {@code chosen} runs this entry's sampler with fewer than {@link #minSteps}
	 * steps. Other samplers count steps differently (heun makes 2 calls per step, ode none), so they are not judged.
	 */
	public void warnIfFarBelow(final SamplerOptions chosen, final Consumer<String> log) {
		final String recommended = samplerName();
		if (!recommended.equals(chosen.name()) || chosen.steps() >= minSteps) return;
		log.accept(String.format(Locale.ROOT, "warning: %d steps is far below what this model needs (%s recommends " +
			"%s steps of %s; below %d the images degrade, e.g. to salt-and-pepper noise)", chosen.steps(), file,
			settings.steps != null ? settings.steps : "more", recommended, minSteps));
	}
}
