package sc.fiji.scoresde.fiji;

import java.util.List;

import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.likelihood.LikelihoodService;
import sc.fiji.scoresde.likelihood.ProbabilityFlow;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * The options of "Log-likelihood (VE)...", shared by {@link LikelihoodVeCommand} and the menu entry
 * {@link LikelihoodVePlugIn}; the keys are the command's field names and the first words of the dialog's labels.
 */
public final class LikelihoodOptions {

	public static final String TITLE = "Log-likelihood (VE)";
	static final String[] DIVERGENCES = { "rademacher", "gaussian", "exact" };

	/** empty: the bundled Fashion-MNIST demo model */
	public String model = "";
	public String divergence = DIVERGENCES[0];
	public int probes = 1;
	public boolean dequantize;
	/** −1: pick one */
	public long seed = -1;
	/** rtol = atol of RK45 */
	public double tolerance = 1e-5;
	public int batch = 8;
	public String device = DeviceChoice.AUTO_NAME;

	/** The core request; a bad option throws with a sentence naming it. */
	public LikelihoodService.Request request() {
		final LikelihoodService.Request r = new LikelihoodService.Request();
		r.divergence = ProbabilityFlow.Divergence.parse(divergence);
		r.probes = probes;
		r.dequantize = dequantize;
		r.seed = sc.fiji.scoresde.generate.GenerationRequest.optionalSeed(seed);
		r.batch = batch;
		r.tolerance = tolerance;
		r.validate();
		DeviceChoice.parse(device);
		return r;
	}

	public DeviceChoice deviceChoice() {
		return DeviceChoice.parse(device);
	}

	/** The figures of every image (all of one size); what the command and the menu entry both call. */
	public LikelihoodService.Result run(final LoadedModel loaded, final List<UserImage> images,
		final GenerationService.Hooks hooks)
	{
		final LikelihoodService.Request request = request();
		final float[][] x = LikelihoodService.inputs(loaded, images);
		return LikelihoodService.likelihood(loaded, request, x, images.get(0).height, images.get(0).width, hooks);
	}
}
