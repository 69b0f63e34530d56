package sc.fiji.scoresde.fiji;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.scoresde.restore.Restoration;

/**
 * Super-resolution: an image k times smaller than the model's, made at the model's size so that its k×k block means
 * are the input's (replacement; or the exact posterior with particles).
 */
@Plugin(type = Command.class, label = "Super-resolution (VE)", headless = true, initializer = "initChoices",
	description = "Make an image k times larger with a Score SDE (VE) model, keeping its k×k block means")
public class UpscaleVeCommand extends ReplacingVeCommand {

	@Parameter(label = "Factor (the image is k times smaller than the model's images)", min = "2",
		max = "" + Restoration.MAX_FACTOR, persist = false)
	private int factor = Restoration.DEFAULT_FACTOR;

	@Override
	Restoration.Task task() {
		return Restoration.Task.UPSCALE;
	}

	@Override
	void configure(final RestoreOptions o) {
		super.configure(o);
		o.factor = factor;
	}
}
