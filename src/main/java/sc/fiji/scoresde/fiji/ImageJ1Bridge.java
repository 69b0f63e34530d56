package sc.fiji.scoresde.fiji;

import ij.IJ;

import java.io.IOException;
import java.util.function.Consumer;

import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.hub.HubClient;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.sampling.SamplingCancelledException;

/**
 * How every ImageJ 1 menu entry of this plugin runs its operation: on the plugin's own thread with the plugin's
 * class loader as context class loader (DJL finds its engine through it), progress in ImageJ 1's status bar and
 * progress bar, Esc cancelling before the next network call, and a failure as an error dialog holding the core's
 * sentence. Log lines of the core go to stderr, where Fiji's console shows them.
 */
final class ImageJ1Bridge {

	/** One run of the core, given the hooks to pass on. */
	interface Operation<T> {

		T run(GenerationService.Hooks hooks) throws Exception;
	}

	private ImageJ1Bridge() {}

	/**
	 * Runs the operation; its result, or null when it failed (the reason in an error dialog titled {@code title}) or
	 * was cancelled with Esc (said in the status bar).
	 *
	 * @param prefix starts every progress message, e.g. "Score SDE VE"
	 */
	static <T> T run(final String title, final String prefix, final Operation<T> operation) {
		final Thread thread = Thread.currentThread();
		final ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(ImageJ1Bridge.class.getClassLoader());
		IJ.resetEscape();
		try {
			return operation.run(hooks(prefix));
		}
		catch (final SamplingCancelledException e) {
			log(prefix, e.getMessage() + "; nothing was made");
			IJ.showStatus("Cancelled: Esc pressed");
			return null;
		}
		catch (final IllegalArgumentException | IllegalStateException | IOException e) {
			IJ.error(title, message(e));
			return null;
		}
		catch (final Exception | LinkageError e) {
			e.printStackTrace();
			IJ.error(title, message(e));
			return null;
		}
		finally {
			IJ.showProgress(1.0);
			thread.setContextClassLoader(previous);
		}
	}

	/** Progress to the status bar and progress bar, Esc cancels, log lines to stderr. */
	static GenerationService.Hooks hooks(final String prefix) {
		final GenerationService.Hooks hooks = new GenerationService.Hooks();
		hooks.log = line -> log(prefix, line);
		hooks.cancelled = IJ::escapePressed;
		hooks.progress = new ProgressMessages(prefix, STATUS_BAR);
		return hooks;
	}

	/** ImageJ 1's status bar and progress bar. */
	static final ProgressMessages.Display STATUS_BAR = new ProgressMessages.Display() {

		@Override
		public void status(final String message, final int done, final int total) {
			IJ.showStatus(message);
			if (total > 0) IJ.showProgress(done, total);
		}

		@Override
		public void bar(final int done, final int total) {
			IJ.showProgress(done, total);
		}
	};

	/** Finds (downloading a hub model once, with its bytes in the status bar) and loads the model on the device. */
	static LoadedModel load(final String model, final String device, final Consumer<String> log)
		throws IOException
	{
		final HubClient.Progress download = (file, done, total) -> {
			IJ.showStatus("Score SDE VE: downloading " + file);
			if (total > 0) IJ.showProgress((double) done / total);
		};
		return LoadedModel.load(ModelLocator.locate(model, download, log), DeviceChoice.parse(device).resolve(log),
			log);
	}

	/**
	 * Interactive runs only: replaces "pick one" (−1) in the seed field, the {@code index}-th numeric field, by the
	 * seed itself before the recorder reads the dialog, so that the recorded macro line replays to the same pixels.
	 * Call it after reading the fields before the seed and before reading the seed.
	 */
	static void pinSeed(final ij.gui.GenericDialog gd, final int index) {
		if (ij.Macro.getOptions() != null) return;
		final java.awt.TextField field = (java.awt.TextField) gd.getNumericFields().get(index);
		if (field.getText().trim().equals("-1")) field.setText(Long.toString(GenerationService.pickSeed(-1)));
	}

	/** "a numeric option is not a number: …" after reading a dialog, or false when all are numbers. */
	static boolean invalidNumber(final ij.gui.GenericDialog gd) {
		if (!gd.invalidNumber()) return false;
		IJ.error(gd.getTitle(), "a numeric option is not a number: " + gd.getErrorMessage());
		return true;
	}

	static void log(final String prefix, final String line) {
		System.err.println("[INFO] " + prefix + ": " + line);
	}

	static String message(final Throwable e) {
		return e.getMessage() == null ? e.toString() : e.getMessage();
	}
}
