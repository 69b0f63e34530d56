package sc.fiji.scoresde.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;


import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.imagej.ImagePlusConversion;

/**
 * The ImageJ 1 face of "Generate (VE)..." (registered in plugins.config): a macro-recordable GenericDialog with the
 * same option keys as the SciJava command, which it then runs. It is the menu entry in Fiji as well (the SciJava
 * command has no menu path), so the same macro line gives an ImagePlus in Fiji, ImageJ 1, batch mode and headless.
 * Esc cancels before the next network call.
 */
public class GenerateVePlugIn implements PlugIn {

	private static final GenerateOptions LAST = new GenerateOptions();

	@Override
	public void run(final String arg) {
		final GenerateOptions o = showDialog();
		if (o == null) return;
		try {
			o.validate();
		}
		catch (final IllegalArgumentException e) {
			IJ.error("Generate (VE)", e.getMessage());
			return;
		}
		final ImagePlus imp = generate(o);
		if (imp != null) imp.show();
	}

	private static GenerateOptions showDialog() {
		final GenericDialog gd = new GenericDialog("Generate (VE)");
		// labels start with the option key: GenericDialog derives the macro key from the first word
		gd.addStringField("Model (folder or file; empty: bundled Fashion-MNIST model)", LAST.model, 40);
		gd.addChoice("Checkpoint (or use the model field)", GenerateOptions.checkpointChoices(),
			GenerateOptions.NO_CHECKPOINT);
		gd.addNumericField("Images", LAST.images, 0);
		gd.addNumericField("Steps", LAST.steps, 0);
		gd.addNumericField("Seed (-1: pick one)", -1, 0);
		gd.addNumericField("SNR (-1: the model's)", LAST.snr, 3);
		gd.addNumericField("Correctors (steps per step; -1: the model's)", LAST.correctors, 0);
		gd.addChoice("Device", GenerateOptions.DEVICES, LAST.device);
		gd.addChoice("Output", GenerateOptions.OUTPUTS, LAST.output);
		gd.addChoice("Sampler", GenerateOptions.SAMPLERS, LAST.sampler);
		gd.addNumericField("Tolerance (ode sampler)", LAST.tolerance, 6);
		gd.addNumericField("Churn (heun sampler)", LAST.churn, 3);
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		final GenerateOptions o = new GenerateOptions();
		o.model = gd.getNextString().trim();
		o.applyCheckpoint(gd.getNextChoice());
		o.images = (int) gd.getNextNumber();
		o.steps = (int) gd.getNextNumber();
		ImageJ1Runner.pinSeed(gd, 2);
		o.seed = (long) gd.getNextNumber();
		o.snr = gd.getNextNumber();
		o.correctors = (int) gd.getNextNumber();
		o.device = gd.getNextChoice();
		o.output = gd.getNextChoice();
		o.sampler = gd.getNextChoice();
		o.tolerance = gd.getNextNumber();
		o.churn = gd.getNextNumber();
		if (gd.invalidNumber()) {
			IJ.error("Generate (VE)", "a numeric option is not a number: " + gd.getErrorMessage());
			return null;
		}
		LAST.model = o.model;
		LAST.images = o.images;
		LAST.steps = o.steps;
		LAST.snr = o.snr;
		LAST.correctors = o.correctors;
		LAST.device = o.device;
		LAST.output = o.output;
		LAST.sampler = o.sampler;
		LAST.tolerance = o.tolerance;
		LAST.churn = o.churn;
		return o;
	}

	/** Runs the SciJava command and returns its images as an ImageJ 1 stack, or null when it failed or was cancelled. */
	static ImagePlus generate(final GenerateOptions o) {
		try {
			final Map<String, Object> inputs = new LinkedHashMap<>();
			inputs.put(GenerateOptions.KEY_MODEL, o.model);
			inputs.put(GenerateOptions.KEY_IMAGES, o.images);
			inputs.put(GenerateOptions.KEY_STEPS, o.steps);
			inputs.put(GenerateOptions.KEY_SEED, o.seed);
			inputs.put(GenerateOptions.KEY_SNR, o.snr);
			inputs.put(GenerateOptions.KEY_CORRECTORS, o.correctors);
			inputs.put(GenerateOptions.KEY_DEVICE, o.device);
			inputs.put(GenerateOptions.KEY_OUTPUT, o.output);
			inputs.put(GenerateOptions.KEY_SAMPLER, o.sampler);
			inputs.put(GenerateOptions.KEY_TOLERANCE, o.tolerance);
			inputs.put(GenerateOptions.KEY_CHURN, o.churn);
			final GenerateVeCommand command = GenerateVeCommand.create(ImageJ1Runner.context());
			ImageJ1Runner.run(command, inputs);
			final GeneratedImages images = command.generated();
			if (images == null) {
				ImageJ1Runner.reportNothingMade(command, "Generate (VE)");
				return null;
			}
			final ImagePlus imp = ImagePlusConversion.toImagePlus(images, "Score SDE VE seed=" + images.seed, o
				.floatOutput());
			IJ.log("Score SDE VE: seed " + images.seed + ", device " + images.device + ", " + images.steps +
				" steps, " + images.batch + " image(s)");
			return imp;
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (final ExecutionException e) {
			IJ.error("Generate (VE)", String.valueOf(e.getCause()));
			return null;
		}
	}
}
