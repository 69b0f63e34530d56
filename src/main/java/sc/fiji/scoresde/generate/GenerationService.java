package sc.fiji.scoresde.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelRuntime;
import sc.fiji.scoresde.runtime.RunHooks;
import sc.fiji.scoresde.sampling.RecommendedSampling;
import sc.fiji.scoresde.sampling.Sampler;
import sc.fiji.scoresde.sampling.SamplerOptions;

/**
 * Generation for every front end: the sampler the request and the model folder choose, run from pure noise on the
 * loaded network ({@link ModelRuntime} does the rest); returns NHWC images in [0, 1].
 */
public final class GenerationService {

	/** The hooks of one run (kept under this name for the front ends that create them). */
	public static final class Hooks extends RunHooks {}

	private GenerationService() {}

	/** −1 picks one, as the front ends spell "not given". */
	public static long pickSeed(final long requested) {
		return ModelRuntime.pickSeed(GenerationRequest.optionalSeed(requested));
	}

	/** "cpu" or "gpu:0". */
	public static String describe(final ai.djl.Device device) {
		return ModelRuntime.describe(device);
	}

	/**
	 * The sampler settings a run of this request on this model uses: the request's, then the model folder's
	 * recommendation, then the defaults; logs each setting's source and warns when the step budget is far below
	 * the recommendation.
	 */
	public static SamplerOptions settings(final LoadedModel model, final SamplerOptions given,
		final java.util.function.Consumer<String> log)
	{
		return RecommendedSampling.resolve(model.folder().recommendedSampling, given, log);
	}

	public static GeneratedImages generate(final LoadedModel model, final GenerationRequest request,
		final RunHooks hooks)
	{
		request.validate();
		final UNet2DConfig c = model.unet().config();
		if (c.sampleSize == null) throw new IllegalArgumentException(model.folder().unetConfigFile +
			" has no sample_size, so the image size is unknown");
		if (c.inChannels != c.outChannels) throw new IllegalArgumentException(model.folder().unetConfigFile +
			": in_channels " + c.inChannels + " and out_channels " + c.outChannels +
			" differ; a score model must return the shape of its input");
		final SamplerOptions settings = settings(model, request.sampler, hooks.log);
		final Sampler sampler = settings.create(model.schedulerConfig());
		final Shape shape = new Shape(request.batch, c.inChannels, c.height(), c.width());
		final ModelRuntime.Plan plan = new ModelRuntime.Plan().torchNoise(request.seed).memory(c.height(), c.width(),
			request.batch, "sample_size in " + model.folder().unetConfigFile);
		return ModelRuntime.images(model, plan, hooks, settings.steps(), run -> {
			run.log(String.format("generating %d image(s) %d×%d×%d with sampler %s, %s network calls, seed %d, snr %s, " +
				"device %s", request.batch, c.height(), c.width(), c.inChannels, sampler.name(), sampler
					.plannedCalls() < 0 ? "adaptive" : Integer.toString(sampler.plannedCalls()), run.seed, settings.snr !=
						null ? settings.snr : model.schedulerConfig().snr, run.device()));
			final NDArray images = sampler.sample(run.network(), run.manager, shape, run.noise, run.control);
			if (sampler.plannedCalls() < 0) run.log("the " + sampler.name() + " sampler made " + run.control.calls() +
				" network calls");
			return images;
		});
	}
}
