package sc.fiji.scoresde.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.InvalidOptionException;

/**
 * Which sampler to run and its settings: the one holder every front end fills (CLI, Fiji, Spark) and every task
 * reads. A null field is "not given": the model folder's recommendation (generation), the task's default
 * (restoration) or the named default below applies. Serializable so that a distributed run can ship it.
 */
public final class SamplerOptions implements java.io.Serializable {

	private static final long serialVersionUID = 1L;

	/**
	 * pc: diffusers' ScoreSdeVePipeline loop (default); ode: probability flow with adaptive RK45; heun: Karras et al.
	 * second order; em: Euler–Maruyama; ancestral: ancestral sampling; reverse-diffusion: the predictor alone;
	 * ald: annealed Langevin dynamics (NCSN), corrector alone. A constant, so that help texts can name it.
	 */
	public static final String NAMES_TEXT = "pc, ode, heun, em, ancestral, reverse-diffusion, ald";
	public static final List<String> NAMES = List.of(NAMES_TEXT.split(", "));

	/** the sampler of diffusers' ScoreSdeVePipeline */
	public static final String DEFAULT_NAME = "pc";
	/** diffusers' default num_inference_steps of ScoreSdeVePipeline */
	public static final int DEFAULT_STEPS = 2000;
	/**
	 * The default rtol = atol of the ODE solver. Not the paper's 1e-5: on the exact Gaussian-mixture score
	 * (bench-samplers, docs/sampler-accuracy.txt) 1e-3 reaches the errors of 4000-call pc with 69 calls, while 1e-5
	 * spends several times more calls for no gain in any error (513 calls per image on the bundled model).
	 */
	public static final String DEFAULT_ODE_TOLERANCE = "1e-3";
	/** Karras et al.'s S_churn; 0 is the deterministic sampler */
	public static final String DEFAULT_CHURN = "0";
	public static final int MAX_STEPS = SchedulerConfig.MAX_STEPS;
	public static final int MAX_CORRECT_STEPS = SchedulerConfig.MAX_CORRECT_STEPS;
	public static final double MAX_SNR = SchedulerConfig.MAX_SNR;

	/** one of {@link #NAMES}; null: not given */
	public String name;
	/** predictor steps (pc, em, ancestral, reverse-diffusion, ald) or Heun steps (2N−1 calls); unused by ode */
	public Integer steps;
	/** null: the scheduler config's */
	public Double snr;
	/** null: the scheduler config's */
	public Integer correctSteps;
	/** rtol = atol of the ODE solver; null: {@link #DEFAULT_ODE_TOLERANCE} */
	public Double odeTolerance;
	/** S_churn of the heun sampler; null: {@link #DEFAULT_CHURN} */
	public Double churn;
	/** the ODE solver gives up after this many calls */
	public int odeMaxCalls = 100_000;
	public double heunRho = 7;

	public String name() {
		return name != null ? name : DEFAULT_NAME;
	}

	public int steps() {
		return steps != null ? steps : DEFAULT_STEPS;
	}

	public double odeTolerance() {
		return odeTolerance != null ? odeTolerance : Double.parseDouble(DEFAULT_ODE_TOLERANCE);
	}

	public double churn() {
		return churn != null ? churn : Double.parseDouble(DEFAULT_CHURN);
	}

	/**
	 * Checks the options that were given against the ranges of {@link SchedulerConfig} (the same limits as for a
	 * scheduler config file).
	 *
	 * @throws InvalidOptionException naming the option, its value and the accepted range
	 */
	public void validate() {
		if (name != null && !NAMES.contains(name)) throw new InvalidOptionException("sampler " + Echo.quoted(name) +
			" is not one of " + NAMES);
		if (steps != null && (steps < 1 || steps > MAX_STEPS)) throw new InvalidOptionException("steps " + steps +
			" must be between 1 and " + MAX_STEPS);
		if (snr != null && !(snr >= 0 && snr <= MAX_SNR)) throw new InvalidOptionException("snr " + snr +
			" must be between 0 and " + (int) MAX_SNR + " (published models use 0.075 to 0.17)");
		if (correctSteps != null && (correctSteps < 0 || correctSteps > MAX_CORRECT_STEPS))
			throw new InvalidOptionException("correct steps " + correctSteps + " must be between 0 and " +
				MAX_CORRECT_STEPS);
		if (odeTolerance != null && !(odeTolerance > 0 && odeTolerance < 1)) throw new InvalidOptionException(
			"ODE tolerance " + odeTolerance + " must be in (0, 1)");
		if (churn != null && !(churn >= 0 && Double.isFinite(churn))) throw new InvalidOptionException("churn " +
			churn + " must be a finite number ≥ 0");
		if (!(heunRho > 0 && Double.isFinite(heunRho))) throw new InvalidOptionException("rho " + heunRho +
			" must be a finite number > 0");
	}

	/** True when the sampler (given or default) draws fresh noise at every step. */
	public boolean isStochastic() {
		return !"ode".equals(name()) && !("heun".equals(name()) && churn() == 0);
	}

	/** A copy with every setting that is null here taken from {@code other} (neither is changed). */
	public SamplerOptions orElse(final SamplerOptions other) {
		final SamplerOptions r = new SamplerOptions();
		r.name = name != null ? name : other.name;
		r.steps = steps != null ? steps : other.steps;
		r.snr = snr != null ? snr : other.snr;
		r.correctSteps = correctSteps != null ? correctSteps : other.correctSteps;
		r.odeTolerance = odeTolerance != null ? odeTolerance : other.odeTolerance;
		r.churn = churn != null ? churn : other.churn;
		r.odeMaxCalls = odeMaxCalls;
		r.heunRho = heunRho;
		return r;
	}

	/**
	 * These options with every setting not given taken from {@code fallback} (whose fields are not changed), and one
	 * log line naming each sampler setting and where it came from, e.g. "steps 200 (recommended by the model folder)".
	 *
	 * @param fallback e.g. a model folder's recommended settings, or a task's defaults; null: none
	 * @param source how the log names the fallback, e.g. "recommended by the model folder"
	 */
	public SamplerOptions withFallback(final SamplerOptions fallback, final String source,
		final Consumer<String> log)
	{
		final SamplerOptions f = fallback != null ? fallback : new SamplerOptions();
		final SamplerOptions r = new SamplerOptions();
		final List<String> parts = new ArrayList<>();
		r.name = pick(name, f.name, DEFAULT_NAME, "sampler", source, parts);
		r.steps = pick(steps, f.steps, "ode".equals(r.name) ? null : DEFAULT_STEPS, "steps", source, parts);
		if (r.steps == null) r.steps = DEFAULT_STEPS;
		r.snr = pick(snr, f.snr, null, "snr", source, parts);
		r.correctSteps = pick(correctSteps, f.correctSteps, null, "correct steps", source, parts);
		r.odeTolerance = pick(odeTolerance, f.odeTolerance, "ode".equals(r.name) ? Double.parseDouble(
			DEFAULT_ODE_TOLERANCE) : null, "ODE tolerance", source, parts);
		if (r.odeTolerance == null) r.odeTolerance = Double.parseDouble(DEFAULT_ODE_TOLERANCE);
		r.churn = pick(churn, f.churn, null, "churn", source, parts);
		if (r.churn == null) r.churn = Double.parseDouble(DEFAULT_CHURN);
		r.odeMaxCalls = odeMaxCalls;
		r.heunRho = heunRho;
		log.accept("sampler settings: " + String.join(", ", parts));
		return r;
	}

	/** The given value, else the fallback's, else the default (null: not logged, the scheduler config's applies). */
	private static <T> T pick(final T given, final T fallback, final T otherwise, final String what,
		final String source, final List<String> parts)
	{
		if (given != null) {
			parts.add(what + " " + given + " (given)");
			return given;
		}
		if (fallback != null) {
			parts.add(what + " " + fallback + " (" + source + ")");
			return fallback;
		}
		if (otherwise != null) parts.add(what + " " + otherwise + " (default)");
		return otherwise;
	}

	/**
	 * The sampler for a scheduler config; snr and corrector steps, when given, replace the config's.
	 *
	 * @throws InvalidOptionException when a given value is out of range
	 */
	public Sampler create(final SchedulerConfig base) {
		validate();
		final SchedulerConfig c = base.copy();
		if (snr != null) c.snr = snr;
		if (correctSteps != null) c.correctSteps = correctSteps;
		final VeSde sde = VeSde.of(c);
		final int steps = steps();
		switch (name().toLowerCase(Locale.ROOT)) {
			case "ode":
				return new ProbabilityFlowOdeSampler(sde, odeTolerance(), odeTolerance(), true, odeMaxCalls);
			case "heun":
				return new HeunSampler(sde, steps, heunRho, churn());
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
