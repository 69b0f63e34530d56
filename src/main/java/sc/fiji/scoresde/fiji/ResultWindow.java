package sc.fiji.scoresde.fiji;

import ij.ImagePlus;
import ij.gui.ImageCanvas;
import ij.gui.ImageWindow;
import ij.macro.Interpreter;
import ij.plugin.Zoom;

import java.awt.GraphicsEnvironment;

/**
 * Shows a result. A small one (the bundled model's 28×28) opens zoomed in so that its window is a usable size, at
 * least {@link #MIN_SIDE} screen pixels on its longer side (28×28 at 800 %, as in the README's screenshot); in batch
 * mode and headless nothing is displayed, so nothing is zoomed.
 */
final class ResultWindow {

	/** the longer side of a result window's image area, in screen pixels, at least */
	static final int MIN_SIDE = 224;

	private ResultWindow() {}

	static void show(final ImagePlus imp) {
		imp.show();
		if (GraphicsEnvironment.isHeadless() || Interpreter.isBatchMode()) return;
		final ImageWindow window = imp.getWindow();
		if (window == null) return;
		final double zoom = zoomFor(imp.getWidth(), imp.getHeight());
		if (zoom > 1 && window.getCanvas() != null) Zoom.set(imp, zoom);
	}

	/** The smallest of ImageJ's zoom levels (1, 1.5, 2, 3, 4, 6, 8, …) that makes the longer side ≥ MIN_SIDE. */
	static double zoomFor(final int width, final int height) {
		final int side = Math.max(width, height);
		double zoom = 1;
		while (side * zoom < MIN_SIDE && zoom < 32)
			zoom = ImageCanvas.getHigherZoomLevel(zoom);
		return zoom;
	}
}
