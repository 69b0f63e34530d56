package sc.fiji.scoresde.fiji;

import org.scijava.plugin.Parameter;

import sc.fiji.scoresde.restore.Restoration;

/**
 * The options of the commands that observe part of the image and replace it in the sampler's loop (Inpaint, Colorize,
 * Super-resolution): RePaint resampling, or the exact posterior sampler with particles and noisy observations, and
 * the per-pixel mean and standard deviation.
 */
public abstract class ReplacingVeCommand extends RestoreVeCommand {

	@Parameter(label = "Resample (RePaint resamplings per step, pc only; 0: plain replacement)", min = "0",
		max = "100", persist = false)
	private int resample = 3;

	@Parameter(label = "Particles (exact posterior sampler per sample; 0: the sampler; >0: sampler and resample do " +
		"not apply)", min = "0", max = "" + Restoration.MAX_PARTICLES, persist = false)
	private int particles = 0;

	@Parameter(label = "Noise (sigma_y of the observed values in [0,1] units, with particles; 0: exact)",
		persist = false)
	private double noise = 0;

	@Parameter(label = "Uncertainty (also the per-pixel mean and std over the samples; samples >= 2)",
		persist = false)
	private boolean uncertainty = false;

	@Override
	void configure(final RestoreOptions o) {
		o.resample = resample;
		o.particles = particles;
		o.noise = noise;
		o.uncertainty = uncertainty;
	}
}
