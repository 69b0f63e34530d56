package sc.fiji.scoresde.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import sc.fiji.scoresde.imagej.ImagePlusConversion;
import sc.fiji.scoresde.imagej.ImagePlusInput;
import sc.fiji.scoresde.likelihood.LikelihoodService;

/**
 * The ImageJ 1 menu entry "Interpolate (VE)..." (plugins.config): a macro-recordable dialog choosing two open
 * images (their current planes), run through {@link InterpolateVeCommand}; the frames open as a new stack. Esc
 * cancels before the next network call. The two images are only read.
 */
public class InterpolateVePlugIn implements PlugIn {

	static final String TITLE = "Interpolate (VE)";

	private static String lastModel = "", lastDevice = "auto", lastOutput = GenerateOptions.OUTPUT_RGB;

	private static int lastFrames = 8;

	private static double lastTolerance = 1e-5;

	@Override
	public void run(final String arg) {
		final int[] ids = WindowManager.getIDList();
		if (ids == null || ids.length < 1) {
			IJ.error(TITLE, "There is no image open: " + TITLE + " goes from one open image to another.");
			return;
		}
		final String[] titles = new String[ids.length];
		for (int i = 0; i < ids.length; i++)
			titles[i] = WindowManager.getImage(ids[i]).getTitle();
		final ImagePlus current = WindowManager.getCurrentImage();
		String other = titles[0];
		for (final String t : titles)
			if (current == null || !t.equals(current.getTitle())) {
				other = t;
				break;
			}
		final GenericDialog gd = new GenericDialog(TITLE);
		gd.addChoice("First image (frame 1)", titles, current == null ? titles[0] : current.getTitle());
		gd.addChoice("Second image (last frame)", titles, other);
		gd.addNumericField("Frames (including both ends)", lastFrames, 0);
		gd.addStringField("Model (folder or hub id; empty: bundled Fashion-MNIST model)", lastModel, 40);
		gd.addNumericField("Tolerance (RK45 rtol = atol)", lastTolerance, -1);
		gd.addChoice("Device", GenerateOptions.DEVICES, lastDevice);
		gd.addChoice("Output", GenerateOptions.OUTPUTS, lastOutput);
		gd.showDialog();
		if (gd.wasCanceled()) return;
		final ImagePlus a = WindowManager.getImage(gd.getNextChoice());
		final ImagePlus b = WindowManager.getImage(gd.getNextChoice());
		final int frames = (int) gd.getNextNumber();
		final String model = gd.getNextString().trim();
		final double tolerance = gd.getNextNumber();
		final String device = gd.getNextChoice();
		final String output = gd.getNextChoice();
		if (gd.invalidNumber()) {
			IJ.error(TITLE, "a numeric option is not a number: " + gd.getErrorMessage());
			return;
		}
		if (a == null || b == null) {
			IJ.error(TITLE, "the chosen images are no longer open");
			return;
		}
		synchronized (InterpolateVePlugIn.class) {
			lastFrames = frames;
			lastModel = model;
			lastTolerance = tolerance;
			lastDevice = device;
			lastOutput = output;
		}
		final Map<String, Object> inputs = new LinkedHashMap<>();
		inputs.put("frames", frames);
		inputs.put("model", model);
		inputs.put("tolerance", tolerance);
		inputs.put("device", device);
		inputs.put("output", output);
		final ImagePlus out = interpolate(a, b, inputs);
		if (out != null) out.show();
	}

	/** The frames as a new (not shown) stack, or null when it failed (the reason shown) or was cancelled. */
	static ImagePlus interpolate(final ImagePlus a, final ImagePlus b, final Map<String, Object> options) {
		try {
			final Map<String, Object> inputs = new LinkedHashMap<>(options);
			inputs.put("first", ImagePlusInput.currentPlane(a));
			inputs.put("second", ImagePlusInput.currentPlane(b));
			final InterpolateVeCommand command = RestoreVeCommand.create(ImageJ1Runner.context(),
				InterpolateVeCommand.class);
			ImageJ1Runner.run(command, inputs);
			final LikelihoodService.Interpolation r = command.interpolation();
			if (r == null) {
				ImageJ1Runner.reportNothingMade(command, TITLE);
				return null;
			}
			final ImagePlus out = ImagePlusConversion.toImagePlus(r.frames, "Interpolation of " + a.getTitle() +
				" and " + b.getTitle(), GenerateOptions.OUTPUT_FLOAT.equals(options.get("output")));
			out.setCalibration(a.getCalibration());
			IJ.log("Score SDE VE interpolation of " + a.getTitle() + " and " + b.getTitle() + ": " + r.frames.batch +
				" frames, encoded in " + r.encodeEvaluations + " calls, decoded in " + r.decodeEvaluations + " calls");
			return out;
		}
		catch (final IllegalArgumentException e) {
			IJ.error(TITLE, e.getMessage());
			return null;
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (final ExecutionException e) {
			IJ.error(TITLE, String.valueOf(e.getCause()));
			return null;
		}
	}
}
