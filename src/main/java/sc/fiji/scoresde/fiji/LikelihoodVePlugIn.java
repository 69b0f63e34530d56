package sc.fiji.scoresde.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.measure.ResultsTable;
import ij.plugin.PlugIn;

import java.util.List;
import java.util.Locale;

import sc.fiji.scoresde.imagej.ImagePlusInput;
import sc.fiji.scoresde.imagej.ImgInput;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.likelihood.LikelihoodService;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * The menu entry "Log-likelihood (VE)..." (plugins.config): a macro-recordable dialog on the active image, every
 * plane of which is one image (RGB planes and a composite image's channels give colour images), then
 * {@link LikelihoodService} on this thread ({@link ImageJ1Bridge}: progress in the status bar, Esc cancels before
 * the next network call). The figures go to the Results table (one row per image: label, bits/dim, probe s.e., NFE),
 * so that a macro reads them with {@code getResult("bits/dim", i)}; the mean to the Log. The image is only read.
 */
public class LikelihoodVePlugIn implements PlugIn {

	static final String TITLE = LikelihoodOptions.TITLE;

	@Override
	public void run(final String arg) {
		final ImagePlus imp = WindowManager.getCurrentImage();
		if (imp == null) {
			IJ.error(TITLE, "There is no image open: " + TITLE + " works on the images of the active stack.");
			return;
		}
		final LikelihoodOptions o = showDialog(imp);
		if (o == null) return;
		measure(imp, o);
	}

	private static LikelihoodOptions showDialog(final ImagePlus imp) {
		final LikelihoodOptions last = LastValues.of(TITLE, LikelihoodOptions.class, LikelihoodOptions::new);
		final GenericDialog gd = new GenericDialog(TITLE);
		final int n = ImagePlusInput.hasChannelAxis(imp) && imp.getType() != ImagePlus.COLOR_RGB ? imp.getNSlices() *
			imp.getNFrames() : imp.getStackSize();
		gd.addMessage("Input: " + imp.getTitle() + " (" + n + " image" + (n == 1 ? "" : "s") + ")");
		// labels start with the option key: GenericDialog derives the macro key from the first word
		gd.addStringField("Model (folder or hub id; empty: bundled Fashion-MNIST model)", last.model, 40);
		gd.addChoice("Divergence", LikelihoodOptions.DIVERGENCES, last.divergence);
		gd.addNumericField("Probes (Hutchinson probes per image)", last.probes, 0);
		gd.addCheckbox("Dequantize (8-bit data: uniform noise within each intensity bin)", imp.getBitDepth() == 8 ||
			imp.getBitDepth() == 24);
		gd.addNumericField("Seed (-1: pick one)", -1, 0);
		gd.addNumericField("Tolerance (RK45 rtol = atol)", last.tolerance, -1);
		gd.addNumericField("Batch (images per ODE solve)", last.batch, 0);
		gd.addChoice("Device", GenerateOptions.DEVICES, last.device);
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		final LikelihoodOptions o = new LikelihoodOptions();
		o.model = gd.getNextString().trim();
		o.divergence = gd.getNextChoice();
		o.probes = (int) gd.getNextNumber();
		o.dequantize = gd.getNextBoolean();
		ImageJ1Bridge.pinSeed(gd, 1);
		o.seed = (long) gd.getNextNumber();
		o.tolerance = gd.getNextNumber();
		o.batch = (int) gd.getNextNumber();
		o.device = gd.getNextChoice();
		if (ImageJ1Bridge.invalidNumber(gd)) return null;
		LastValues.remember(TITLE, o);
		return o;
	}

	/** Measures every image of {@code imp}; fills the Results table, or reports why nothing came. */
	static void measure(final ImagePlus imp, final LikelihoodOptions o) {
		final LikelihoodService.Result r = ImageJ1Bridge.run(TITLE, "Score SDE VE log-likelihood", hooks -> {
			o.request(); // a bad option is reported before the model loads
			final List<UserImage> images = ImgInput.toUserImages(ImagePlusInput.allImages(imp), "the input stack",
				ImagePlusInput.hasChannelAxis(imp));
			try (LoadedModel model = ImageJ1Bridge.load(o.model, o.device, hooks.log)) {
				return o.run(model, images, hooks);
			}
		});
		if (r == null) return;
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
		IJ.log(String.format(Locale.ROOT, "Score SDE VE log-likelihood of %s: %s, seed %d, %.1f s per image", imp
			.getTitle(), r.summary(), r.seed, r.seconds / r.count()));
	}
}
