package sc.fiji.scoresde.cli;

import picocli.CommandLine.Option;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.sampling.SamplerOptions;

/**
 * The sampler options, declared once for every command that samples (generate, inpaint, colorize, upscale, denoise, edit,
 * evaluate, spark-generate). An option not given stays null: the core then takes the model folder's recommendation
 * (generation) or the task's default (restoration), and logs which.
 */
public final class SamplerMixin {

	@Option(names = "--sampler", paramLabel = "NAME", description = "pc (diffusers' predictor-corrector loop), ode " +
		"(probability flow, adaptive RK45), heun (Karras et al.), em, ancestral, reverse-diffusion, ald (default: the " +
		"model folder's recommendation, else " + SamplerOptions.DEFAULT_NAME + "; inpaint, colorize: pc; denoise, " +
		"edit: em)")
	String sampler;

	@Option(names = "--steps", paramLabel = "N", description = "predictor steps, num_inference_steps; Heun steps " +
		"for heun (default: the model folder's recommendation, else " + SamplerOptions.DEFAULT_STEPS + "; inpaint, " +
		"colorize: " + Restoration.REPLACING_STEPS + "; denoise, edit: " + Restoration.PERTURBING_STEPS + ")")
	Integer steps;

	@Option(names = "--snr", description = "corrector signal-to-noise ratio (default: the scheduler config's)")
	Double snr;

	@Option(names = "--correct-steps", description = "corrector steps per step (default: the scheduler config's)")
	Integer correctSteps;

	@Option(names = "--ode-tolerance", description = "rtol = atol of the ode sampler (default: " + SamplerOptions
		.DEFAULT_ODE_TOLERANCE + ")")
	Double odeTolerance;

	@Option(names = "--churn", description = "stochastic churn S_churn of the heun sampler (default: " +
		SamplerOptions.DEFAULT_CHURN + ")")
	Double churn;

	/** The options as given (null: not given). */
	public SamplerOptions options() {
		final SamplerOptions o = new SamplerOptions();
		o.name = sampler;
		o.steps = steps;
		o.snr = snr;
		o.correctSteps = correctSteps;
		o.odeTolerance = odeTolerance;
		o.churn = churn;
		return o;
	}
}
