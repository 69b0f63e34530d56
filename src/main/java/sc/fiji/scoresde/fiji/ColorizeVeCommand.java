package sc.fiji.scoresde.fiji;

import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

import sc.fiji.scoresde.restore.Restoration;

/** Colours a grey image with an RGB model (replacement in the decoupled colour space). */
@Plugin(type = Command.class, label = "Colorize (VE)", headless = true, initializer = "initChoices",
	description = "Colour a grey image with a 3-channel Score SDE (VE) model")
public class ColorizeVeCommand extends ReplacingVeCommand {

	@Override
	Restoration.Task task() {
		return Restoration.Task.COLORIZE;
	}
}
