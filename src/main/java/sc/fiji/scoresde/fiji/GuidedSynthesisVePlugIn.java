package sc.fiji.scoresde.fiji;

import sc.fiji.scoresde.restore.Restoration;

/** The ImageJ 1 menu entry "Guided synthesis (VE)..." (plugins.config); see {@link RestoreVePlugIn}. */
public class GuidedSynthesisVePlugIn extends RestoreVePlugIn {

	@Override
	Restoration.Task task() {
		return Restoration.Task.EDIT;
	}
}
