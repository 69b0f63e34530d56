package sc.fiji.scoresde.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.imagej.ImagePlusConversion;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * The menu entry "Generate (VE)..." (plugins.config), in Fiji as in ImageJ 1: a macro-recordable GenericDialog whose
 * keys are those of {@link GenerateVeCommand}, so one macro line works for both; then {@link GenerationService} on
 * this thread ({@link ImageJ1Bridge}: progress in the status bar, Esc cancels before the next network call). The
 * images open as one stack, so the same macro line leaves an ImagePlus in Fiji, ImageJ 1, batch mode and headless.
 */
public class GenerateVePlugIn implements PlugIn {

	static final String TITLE = "Generate (VE)";

	@Override
	public void run(final String arg) {
		final GenerateOptions o = showDialog();
		if (o == null) return;
		try {
			o.validate();
		}
		catch (final IllegalArgumentException e) {
			IJ.error(TITLE, e.getMessage());
			return;
		}
		final ImagePlus imp = generate(o);
		if (imp != null) ResultWindow.show(imp);
	}

	private static GenerateOptions showDialog() {
		final GenerateOptions last = LastValues.of(TITLE, GenerateOptions.class, GenerateOptions::new);
		final GenericDialog gd = new GenericDialog(TITLE);
		// labels start with the option key: GenericDialog derives the macro key from the first word
		gd.addStringField("Model (folder or file; empty: bundled Fashion-MNIST model)", last.model, 40);
		gd.addChoice("Checkpoint (or use the model field)", GenerateOptions.checkpointChoices(),
			GenerateOptions.NO_CHECKPOINT);
		gd.addNumericField("Images", last.images, 0);
		gd.addNumericField("Steps (-1: the model's recommended)", last.steps, 0);
		gd.addNumericField("Seed (-1: pick one)", -1, 0);
		gd.addNumericField("SNR (-1: the model's)", last.snr, 3);
		gd.addNumericField("Correctors (steps per step; -1: the model's)", last.correctors, 0);
		gd.addChoice("Device", GenerateOptions.DEVICES, last.device);
		gd.addChoice("Output", GenerateOptions.OUTPUTS, last.output);
		gd.addChoice("Sampler", GenerateOptions.SAMPLERS, last.sampler);
		gd.addNumericField("Tolerance (ode sampler)", last.tolerance, 6);
		gd.addNumericField("Churn (heun sampler; -1: the model's)", last.churn, 3);
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		final GenerateOptions o = new GenerateOptions();
		o.model = gd.getNextString().trim();
		o.applyCheckpoint(gd.getNextChoice());
		o.images = (int) gd.getNextNumber();
		o.steps = (int) gd.getNextNumber();
		ImageJ1Bridge.pinSeed(gd, 2);
		o.seed = (long) gd.getNextNumber();
		o.snr = gd.getNextNumber();
		o.correctors = (int) gd.getNextNumber();
		o.device = gd.getNextChoice();
		o.output = gd.getNextChoice();
		o.sampler = gd.getNextChoice();
		o.tolerance = gd.getNextNumber();
		o.churn = gd.getNextNumber();
		if (ImageJ1Bridge.invalidNumber(gd)) return null;
		LastValues.remember(TITLE, o);
		return o;
	}

	/** The images as an ImageJ 1 stack (not shown), or null when the run failed (said in a dialog) or was cancelled. */
	static ImagePlus generate(final GenerateOptions o) {
		final String prefix = "Score SDE VE";
		final GeneratedImages images = ImageJ1Bridge.run(TITLE, prefix, hooks -> {
			try (LoadedModel model = ImageJ1Bridge.load(o.model, o.device, hooks.log)) {
				return GenerationService.generate(model, o.request(), hooks);
			}
		});
		if (images == null) return null;
		IJ.log("Score SDE VE: seed " + images.seed + ", device " + images.device + ", " + images.steps + " steps, " +
			images.batch + " image(s)");
		return ImagePlusConversion.toImagePlus(images, "Score SDE VE seed=" + images.seed, o.floatOutput());
	}
}
