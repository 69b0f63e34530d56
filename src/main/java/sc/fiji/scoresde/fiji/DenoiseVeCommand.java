package sc.fiji.scoresde.fiji;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.scoresde.restore.Restoration;

/** Removes Gaussian noise: Tweedie's posterior mean (samples = 0, one network call) or posterior samples. */
@Plugin(type = Command.class, label = "Denoise (VE)", headless = true, initializer = "initChoices",
	description = "Remove Gaussian noise with a Score SDE (VE) model")
public class DenoiseVeCommand extends RestoreVeCommand {

	@Parameter(label = "Sigma (noise in [0,1] units; -1: estimate from the image)", persist = false)
	private double sigma = -1;

	@Parameter(label = "Particles (exact posterior sampler per sample; 0: the sampler; >0: the sampler does not " +
		"apply)", min = "0", max = "" + Restoration.MAX_PARTICLES, persist = false)
	private int particles = 0;

	@Parameter(label = "Uncertainty (also the per-pixel mean and std over the samples; samples >= 2)",
		persist = false)
	private boolean uncertainty = false;

	@Override
	Restoration.Task task() {
		return Restoration.Task.DENOISE;
	}

	@Override
	void configure(final RestoreOptions o) {
		o.sigma = sigma;
		o.particles = particles;
		o.uncertainty = uncertainty;
	}
}
