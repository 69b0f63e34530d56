package sc.fiji.scoresde.fiji;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.scoresde.restore.Restoration;

/** SDEdit: perturbs the image to σ(t0) and runs the reverse process from there. */
@Plugin(type = Command.class, label = "Guided synthesis (VE)", headless = true, initializer = "initChoices",
	description = "Turn a rough image into a realistic one (SDEdit) with a Score SDE (VE) model")
public class GuidedSynthesisVeCommand extends RestoreVeCommand {

	@Parameter(label = "Strength (t0 in (0,1]; 1: plain generation)", min = "0", max = "1")
	private double strength = 0.5;

	@Override
	Restoration.Task task() {
		return Restoration.Task.EDIT;
	}

	@Override
	void configure(final RestoreOptions o) {
		o.strength = strength;
	}
}
