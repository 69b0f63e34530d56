package sc.fiji.scoresde.fiji;

import sc.fiji.scoresde.restore.Restoration;

/** The ImageJ 1 menu entry "Super-resolution (VE)..." (plugins.config); see {@link RestoreVePlugIn}. */
public class UpscaleVePlugIn extends RestoreVePlugIn {

	@Override
	Restoration.Task task() {
		return Restoration.Task.UPSCALE;
	}
}
