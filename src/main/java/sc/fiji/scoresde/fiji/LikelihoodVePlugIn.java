package sc.fiji.scoresde.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.measure.ResultsTable;
import ij.plugin.PlugIn;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import sc.fiji.scoresde.imagej.ImagePlusInput;
import sc.fiji.scoresde.likelihood.LikelihoodService;

/**
 * The ImageJ 1 menu entry "Log-likelihood (VE)..." (plugins.config): a macro-recordable dialog on the active image,
 * every plane of which is one image (RGB planes and a composite image's channels give colour images), run through
 * {@link LikelihoodVeCommand}. The figures go to the Results table (one row per image: label, bits/dim, probe s.e.,
 * NFE), so that a macro reads them with {@code getResult("bits/dim", i)}; the mean to the Log. Esc cancels before
 * the next network call. The image is only read.
 */
public class LikelihoodVePlugIn implements PlugIn {

	static final String TITLE = "Log-likelihood (VE)";

	private static String lastModel = "", lastDivergence = "rademacher", lastDevice = "auto";

	private static int lastProbes = 1, lastBatch = 8;

	private static double lastTolerance = 1e-5;

	@Override
	public void run(final String arg) {
		final ImagePlus imp = WindowManager.getCurrentImage();
		if (imp == null) {
			IJ.error(TITLE, "There is no image open: " + TITLE + " works on the images of the active stack.");
			return;
		}
		final Map<String, Object> inputs = showDialog(imp);
		if (inputs == null) return;
		measure(imp, inputs);
	}

	private static synchronized Map<String, Object> showDialog(final ImagePlus imp) {
		final GenericDialog gd = new GenericDialog(TITLE);
		final int n = ImagePlusInput.hasChannelAxis(imp) && imp.getType() != ImagePlus.COLOR_RGB ? imp.getNSlices() *
			imp.getNFrames() : imp.getStackSize();
		gd.addMessage("Input: " + imp.getTitle() + " (" + n + " image" + (n == 1 ? "" : "s") + ")");
		// labels start with the option key: GenericDialog derives the macro key from the first word
		gd.addStringField("Model (folder or hub id; empty: bundled Fashion-MNIST model)", lastModel, 40);
		gd.addChoice("Divergence", LikelihoodVeCommand.DIVERGENCES, lastDivergence);
		gd.addNumericField("Probes (Hutchinson probes per image)", lastProbes, 0);
		gd.addCheckbox("Dequantize (8-bit data: uniform noise within each intensity bin)", imp.getBitDepth() == 8 ||
			imp.getBitDepth() == 24);
		gd.addNumericField("Seed (-1: pick one)", -1, 0);
		gd.addNumericField("Tolerance (RK45 rtol = atol)", lastTolerance, -1);
		gd.addNumericField("Batch (images per ODE solve)", lastBatch, 0);
		gd.addChoice("Device", GenerateOptions.DEVICES, lastDevice);
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		final Map<String, Object> inputs = new LinkedHashMap<>();
		inputs.put("model", gd.getNextString().trim());
		inputs.put("divergence", gd.getNextChoice());
		inputs.put("probes", (int) gd.getNextNumber());
		inputs.put("dequantize", gd.getNextBoolean());
		ImageJ1Runner.pinSeed(gd, 1);
		inputs.put("seed", (long) gd.getNextNumber());
		inputs.put("tolerance", gd.getNextNumber());
		inputs.put("batch", (int) gd.getNextNumber());
		inputs.put("device", gd.getNextChoice());
		if (gd.invalidNumber()) {
			IJ.error(TITLE, "a numeric option is not a number: " + gd.getErrorMessage());
			return null;
		}
		lastModel = (String) inputs.get("model");
		lastDivergence = (String) inputs.get("divergence");
		lastProbes = (Integer) inputs.get("probes");
		lastTolerance = (Double) inputs.get("tolerance");
		lastBatch = (Integer) inputs.get("batch");
		lastDevice = (String) inputs.get("device");
		return inputs;
	}

	/** Runs the command on every image of {@code imp}; fills the Results table, or reports why nothing came. */
	static void measure(final ImagePlus imp, final Map<String, Object> options) {
		try {
			final Map<String, Object> inputs = new LinkedHashMap<>(options);
			inputs.put("images", ImagePlusInput.allImages(imp));
			inputs.put("channels", ImagePlusInput.hasChannelAxis(imp));
			final LikelihoodVeCommand command = RestoreVeCommand.create(ImageJ1Runner.context(),
				LikelihoodVeCommand.class);
			ImageJ1Runner.run(command, inputs);
			final LikelihoodService.Result r = command.result();
			if (r == null) {
				ImageJ1Runner.reportNothingMade(command, TITLE);
				return;
			}
			final ResultsTable rt = ResultsTable.getResultsTable();
			rt.reset();
			for (int i = 0; i < r.count(); i++) {
				rt.incrementCounter();
				rt.addLabel(ImagePlusInput.imageLabel(imp, i));
				rt.addValue("bits/dim", r.bitsPerDim[i]);
				rt.addValue("probe s.e.", r.standardError[i]);
				rt.addValue("NFE", r.evaluations[i]);
			}
			rt.show("Results");
			IJ.log(String.format(Locale.ROOT, "Score SDE VE log-likelihood of %s: %s, seed %d, %.1f s per image",
				imp.getTitle(), r.summary(), r.seed, r.seconds / r.count()));
		}
		catch (final IllegalArgumentException e) {
			IJ.error(TITLE, e.getMessage());
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		catch (final ExecutionException e) {
			IJ.error(TITLE, String.valueOf(e.getCause()));
		}
	}
}
