package sc.fiji.scoresde.generate;

import sc.fiji.scoresde.errors.InvalidOptionException;

/**
 * What to generate: one batch of images from one seed, with the pipeline's sampling options. Serializable so that a
 * distributed run (the Spark job) can ship it to its executors.
 */
public final class GenerationRequest implements java.io.Serializable {

	private static final long serialVersionUID = 1L;

	public static final int DEFAULT_STEPS = sc.fiji.scoresde.sampling.SamplerOptions.DEFAULT_STEPS;

	public int batch = 1;
	public int steps = DEFAULT_STEPS;
	/** seed of torch.manual_seed; −1 means "pick one" (the one used is reported) */
	public long seed = -1;
	/** overrides the scheduler config's snr when not null */
	public Double snr;
	/** overrides the scheduler config's correct_steps when not null */
	public Integer correctSteps;
	/** which sampler: pc (diffusers' loop, default), ode, heun, em, ancestral, reverse-diffusion, ald */
	public String sampler = "pc";
	public double odeTolerance = Double.parseDouble(sc.fiji.scoresde.sampling.SamplerOptions.DEFAULT_ODE_TOLERANCE);
	public double churn = 0;

	/** The same settings, to vary batch or seed per run. */
	public GenerationRequest copy() {
		final GenerationRequest r = new GenerationRequest();
		r.batch = batch;
		r.steps = steps;
		r.seed = seed;
		r.snr = snr;
		r.correctSteps = correctSteps;
		r.sampler = sampler;
		r.odeTolerance = odeTolerance;
		r.churn = churn;
		return r;
	}

	/** The sampler options these settings describe. */
	public sc.fiji.scoresde.sampling.SamplerOptions samplerOptions() {
		final sc.fiji.scoresde.sampling.SamplerOptions o = new sc.fiji.scoresde.sampling.SamplerOptions();
		o.name = sampler;
		o.steps = steps;
		o.snr = snr;
		o.correctSteps = correctSteps;
		o.odeTolerance = odeTolerance;
		o.heunChurn = churn;
		return o;
	}

	public void validate() {
		if (batch < 1 || batch > 4096) throw new InvalidOptionException("batch " + batch +
			" must be between 1 and 4096");
		if (seed < -1 || seed > sc.fiji.scoresde.sampling.TorchNoise.MAX_SEED) throw new InvalidOptionException(
			"seed " + seed + " must be −1 (pick one) or between 0 and " + sc.fiji.scoresde.sampling.TorchNoise.MAX_SEED);
		// steps, snr and corrector steps: one set of limits, SamplerOptions' (the scheduler config's)
		samplerOptions().validate();
	}
}
