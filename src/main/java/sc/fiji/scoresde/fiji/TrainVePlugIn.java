package sc.fiji.scoresde.fiji;

import ij.IJ;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

import java.util.Locale;

import sc.fiji.scoresde.train.Trainer;

/**
 * The ImageJ 1 face of "Train Score Model (VE)..." (plugins.config): a macro-recordable GenericDialog whose option
 * keys are the SciJava command's field names, so one macro line works in both. Training runs on this plugin's
 * thread; Esc stops it after the current step, keeping a resumable checkpoint.
 */
public class TrainVePlugIn implements PlugIn {

	static final String TITLE = "Train Score Model (VE)";

	@Override
	public void run(final String arg) {
		final TrainOptions o = showDialog();
		if (o == null) return;
		final Trainer.Result result = train(o);
		if (result != null && !result.cancelled) IJ.showStatus("Train Score Model (VE): done, " + o.output);
	}

	private static TrainOptions showDialog() {
		final TrainOptions last = LastValues.of(TITLE, TrainOptions.class, TrainOptions::new);
		final GenericDialog gd = new GenericDialog(TITLE);
		// labels start with the option key: GenericDialog derives the macro key from the first word
		gd.addChoice("Source of the training images", TrainOptions.SOURCES, last.source);
		gd.addStringField("Data (folder, image or idx file; for that source)", last.data, 40);
		gd.addStringField("Output folder (new or empty)", last.output, 40);
		gd.addCheckbox("Resume the run in the output folder", false);
		gd.addStringField("Architecture (preset or config.json)", last.architecture, 20);
		gd.addNumericField("Size of the crops (0: automatic)", last.size, 0);
		gd.addChoice("Channels", TrainOptions.CHANNELS, last.channels);
		gd.addNumericField("Steps", last.steps, 0);
		gd.addNumericField("Batch size", last.batch, 0);
		gd.addNumericField("LR (learning rate)", last.learningRate, 6);
		gd.addNumericField("Seed", last.seed, 0);
		gd.addChoice("Device", GenerateOptions.DEVICES, last.device);
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		final TrainOptions o = new TrainOptions();
		o.source = gd.getNextChoice();
		o.data = gd.getNextString().trim();
		o.output = gd.getNextString().trim();
		o.resume = gd.getNextBoolean();
		o.architecture = gd.getNextString().trim();
		o.size = (int) gd.getNextNumber();
		o.channels = gd.getNextChoice();
		o.steps = (int) gd.getNextNumber();
		o.batch = (int) gd.getNextNumber();
		o.learningRate = gd.getNextNumber();
		o.seed = (long) gd.getNextNumber();
		o.device = gd.getNextChoice();
		if (ImageJ1Bridge.invalidNumber(gd)) return null;
		LastValues.remember(TITLE, o); // resume is not offered again: the dialog opens without it
		return o;
	}

	/** Trains with these options; errors go to an ImageJ error dialog (or the log, in a macro). */
	static Trainer.Result train(final TrainOptions o) {
		final Thread thread = Thread.currentThread();
		final ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(TrainVePlugIn.class.getClassLoader());
		try {
			IJ.resetEscape();
			final Trainer.Hooks hooks = new Trainer.Hooks();
			hooks.log = line -> IJ.log("Score SDE VE training: " + line);
			hooks.cancelled = IJ::escapePressed;
			hooks.progress = (done, total, loss, lr) -> {
				IJ.showProgress(done, total);
				IJ.showStatus(String.format(Locale.ROOT, "Training step %d/%d, loss %.4g", done, total, loss));
			};
			final sc.fiji.scoresde.train.TrainingOptions training = o.training();
			final java.nio.file.Path folder = o.outputFolder();
			final Trainer.Result result = Trainer.train(o.images(), training, folder, hooks);
			IJ.log(String.format(Locale.ROOT, "Score SDE VE training: %s after %d steps, %.0f s, recent loss %.4g",
				result.cancelled ? "stopped (Esc)" : "done", result.steps, result.seconds, result.recentLoss));
			return result;
		}
		catch (final Exception e) {
			IJ.error(TITLE, ImageJ1Bridge.message(e));
			return null;
		}
		finally {
			IJ.showProgress(1.0);
			thread.setContextClassLoader(previous);
		}
	}
}
