package sc.fiji.scoresde.fiji;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.scoresde.restore.Restoration;

/** Colours a grey image with an RGB model (replacement in the decoupled colour space). */
@Plugin(type = Command.class, label = "Colorize (VE)", headless = true, initializer = "initChoices",
	description = "Colour a grey image with a 3-channel Score SDE (VE) model")
public class ColorizeVeCommand extends RestoreVeCommand {

	@Parameter(label = "Resample (RePaint resamplings per step, pc only; 0: plain replacement)", min = "0",
		max = "100", persist = false)
	private int resample = 3;

	@Override
	Restoration.Task task() {
		return Restoration.Task.COLORIZE;
	}

	@Override
	void configure(final RestoreOptions o) {
		o.resample = resample;
	}
}
