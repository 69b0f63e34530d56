package sc.fiji.scoresde.sampling;

import java.util.List;
import java.util.Locale;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.InvalidOptionException;

/** Which sampler to run and its settings, as the CLI and the Fiji command take them. */
public final class SamplerOptions {

	/**
	 * pc: diffusers' ScoreSdeVePipeline loop (default); ode: probability flow with adaptive RK45; heun: Karras et al.
	 * second order; em: Euler–Maruyama; ancestral: ancestral sampling; reverse-diffusion: the predictor alone;
	 * ald: annealed Langevin dynamics (NCSN), corrector alone.
	 */
	public static final List<String> NAMES = List.of("pc", "ode", "heun", "em", "ancestral", "reverse-diffusion",
		"ald");

	/** the sampler of diffusers' ScoreSdeVePipeline */
	public static final String DEFAULT_NAME = "pc";
	/** diffusers' default num_inference_steps of ScoreSdeVePipeline */
	public static final int DEFAULT_STEPS = 2000;

	public String name = DEFAULT_NAME;
	/** predictor steps (pc, em, ancestral, reverse-diffusion, ald) or Heun steps (2N−1 calls); unused by ode */
	public int steps = DEFAULT_STEPS;
	/** null: the scheduler config's */
	public Double snr;
	/** null: the scheduler config's */
	public Integer correctSteps;
	/**
	 * The default rtol = atol of the ODE solver. Not the paper's 1e-5: on the exact Gaussian-mixture score
	 * (bench-samplers, docs/sampler-accuracy.txt) 1e-3 reaches the errors of 4000-call pc with 69 calls, while 1e-5
	 * spends several times more calls for no gain in any error (513 calls per image on the bundled model).
	 */
	public static final String DEFAULT_ODE_TOLERANCE = "1e-3";

	/** rtol = atol of the ODE solver */
	public double odeTolerance = Double.parseDouble(DEFAULT_ODE_TOLERANCE);
	/** the ODE solver gives up after this many calls */
	public int odeMaxCalls = 100_000;
	public double heunRho = 7;
	/** Karras et al.'s S_churn; 0 is the deterministic sampler */
	public double heunChurn = 0;

	/**
	 * Checks the options the user gave against the ranges of {@link SchedulerConfig} (the same limits as for a
	 * scheduler config file).
	 *
	 * @throws InvalidOptionException naming the option, its value and the accepted range
	 */
	public void validate() {
		if (!NAMES.contains(name)) throw new InvalidOptionException("sampler " + Echo.quoted(name) + " is not one of " +
			NAMES);
		if (steps < 1 || steps > SchedulerConfig.MAX_STEPS) throw new InvalidOptionException("steps " + steps +
			" must be between 1 and " + SchedulerConfig.MAX_STEPS);
		if (snr != null && !(snr >= 0 && snr <= SchedulerConfig.MAX_SNR)) throw new InvalidOptionException("snr " +
			snr + " must be between 0 and " + (int) SchedulerConfig.MAX_SNR + " (published models use 0.075 to 0.17)");
		if (correctSteps != null && (correctSteps < 0 || correctSteps > SchedulerConfig.MAX_CORRECT_STEPS))
			throw new InvalidOptionException("correct steps " + correctSteps + " must be between 0 and " +
				SchedulerConfig.MAX_CORRECT_STEPS);
		if (!(odeTolerance > 0 && odeTolerance < 1)) throw new InvalidOptionException("ODE tolerance " +
			odeTolerance + " must be in (0, 1)");
		if (!(heunChurn >= 0 && Double.isFinite(heunChurn))) throw new InvalidOptionException("churn " + heunChurn +
			" must be a finite number ≥ 0");
		if (!(heunRho > 0 && Double.isFinite(heunRho))) throw new InvalidOptionException("rho " + heunRho +
			" must be a finite number > 0");
	}

	public Sampler create(final SchedulerConfig base) {
		validate();
		final SchedulerConfig c = base.copy();
		if (snr != null) c.snr = snr;
		if (correctSteps != null) c.correctSteps = correctSteps;
		final VeSde sde = VeSde.of(c);
		switch (name.toLowerCase(Locale.ROOT)) {
			case "ode":
				return new ProbabilityFlowOdeSampler(sde, odeTolerance, odeTolerance, true, odeMaxCalls);
			case "heun":
				return new HeunSampler(sde, steps, heunRho, heunChurn);
			case "em":
				return new ScoreSdePcSampler("em", sde, ScoreSdePcSampler.Predictor.EULER_MARUYAMA,
					ScoreSdePcSampler.Corrector.NONE, steps, 0, c.snr);
			case "ancestral":
				return new ScoreSdePcSampler("ancestral", sde, ScoreSdePcSampler.Predictor.ANCESTRAL,
					ScoreSdePcSampler.Corrector.NONE, steps, 0, c.snr);
			case "reverse-diffusion":
				return new ScoreSdePcSampler("reverse-diffusion", sde, ScoreSdePcSampler.Predictor.REVERSE_DIFFUSION,
					ScoreSdePcSampler.Corrector.NONE, steps, 0, c.snr);
			case "ald":
				return new ScoreSdePcSampler("ald", sde, ScoreSdePcSampler.Predictor.NONE,
					ScoreSdePcSampler.Corrector.ANNEALED_LANGEVIN, steps, Math.max(1, c.correctSteps), c.snr);
			default:
				return new PredictorCorrectorSampler(c, steps);
		}
	}
}
