package sc.fiji.scoresde.fiji;

import sc.fiji.scoresde.restore.Restoration;

/** The ImageJ 1 menu entry "Inpaint (VE)..." (plugins.config); see {@link RestoreVePlugIn}. */
public class InpaintVePlugIn extends RestoreVePlugIn {

	@Override
	Restoration.Task task() {
		return Restoration.Task.INPAINT;
	}
}
