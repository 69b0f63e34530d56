package sc.fiji.scoresde.fiji;

import sc.fiji.scoresde.restore.Restoration;

/** The ImageJ 1 menu entry "Colorize (VE)..." (plugins.config); see {@link RestoreVePlugIn}. */
public class ColorizeVePlugIn extends RestoreVePlugIn {

	@Override
	Restoration.Task task() {
		return Restoration.Task.COLORIZE;
	}
}
