package sc.fiji.scoresde.fiji;

import ij.IJ;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.DynamicCommand;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.event.EventSubscriber;
import org.scijava.module.ModuleService;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.PluginService;

/**
 * How the ImageJ 1 bridges run a SciJava command: one SciJava context for all of them, the command's status
 * messages in ImageJ 1's status bar and progress bar, Esc cancels before the next network call.
 */
final class ImageJ1Runner {

	private static Context context;

	private ImageJ1Runner() {}

	/**
	 * Fiji's own context when ImageJ2's legacy layer runs this ImageJ 1 (one set of services, its status bar and task
	 * list); in a plain ImageJ 1 one made with this plugin's class loader as context class loader, so that SciJava
	 * finds the plugin's commands.
	 */
	static synchronized Context context() {
		final Context legacy = legacyContext();
		if (legacy != null) return legacy;
		if (context == null) {
			final Thread thread = Thread.currentThread();
			final ClassLoader previous = thread.getContextClassLoader();
			thread.setContextClassLoader(ImageJ1Runner.class.getClassLoader());
			try {
				context = new Context();
			}
			finally {
				thread.setContextClassLoader(previous);
			}
		}
		return context;
	}

	/**
	 * The context of the active ImageJ2 legacy layer (imagej-legacy's LegacyService, looked up by name: it is not on
	 * Maven Central, so the plugin does not compile against it), or null.
	 */
	static Context legacyContext() {
		try {
			final Class<?> legacy = Class.forName("net.imagej.legacy.LegacyService", false, ImageJ1Runner.class
				.getClassLoader());
			final Object service = legacy.getMethod("getInstance").invoke(null);
			if (!(service instanceof org.scijava.service.Service)) return null;
			return ((org.scijava.service.Service) service).getContext(); // null again once ImageJ2 is disposed
		}
		catch (final ReflectiveOperationException | LinkageError e) {
			return null; // a plain ImageJ 1, or an imagej-legacy without getInstance: this plugin's own context
		}
	}

	/**
	 * The preprocessors a bridge runs its command with: those that inject services and fill defaults. Not the input
	 * harvesters (the bridge asked in its own dialog and passes every input) nor ImageJ2's legacy-layer ones (macro
	 * recorder, macro options, active image), which serve SciJava commands started from ImageJ 1's menu and would
	 * start a recording of the inner command inside the bridge's own.
	 */
	static List<PreprocessorPlugin> preprocessors(final Context ctx) {
		final List<PreprocessorPlugin> all = ctx.service(PluginService.class).createInstancesOfType(
			PreprocessorPlugin.class);
		all.removeIf(p -> p instanceof org.scijava.widget.InputHarvester || p.getClass().getName().startsWith(
			"net.imagej.legacy."));
		return all;
	}

	/**
	 * Runs the command (made in {@link #context()}) with these inputs and waits for it. Preprocessors inject
	 * services and inputs; no postprocessors: ImageJ 1 shows the result itself.
	 */
	static void run(final DynamicCommand command, final Map<String, Object> inputs) throws InterruptedException,
		ExecutionException
	{
		final Thread thread = Thread.currentThread();
		final ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(ImageJ1Runner.class.getClassLoader());
		final Context ctx = context();
		final List<EventSubscriber<?>> subscribers = ctx.service(EventService.class).subscribe(new StatusRelay());
		try {
			IJ.resetEscape();
			final Future<?> future = ctx.service(ModuleService.class).run(command, preprocessors(ctx), null, inputs);
			while (true) {
				try {
					future.get(100, TimeUnit.MILLISECONDS);
					break;
				}
				catch (final TimeoutException e) {
					if (IJ.escapePressed() && !command.isCanceled()) command.cancel("Cancelled: Esc pressed");
				}
			}
		}
		finally {
			ctx.service(EventService.class).unsubscribe(subscribers);
			IJ.showProgress(1.0);
			thread.setContextClassLoader(previous);
		}
	}

	/**
	 * Interactive runs only: replaces "pick one" (−1) in the seed field, the {@code index}-th numeric field, by the
	 * seed itself before the recorder reads the dialog, so that the recorded macro line replays to the same pixels.
	 * Call it after reading the fields before the seed and before reading the seed.
	 */
	static void pinSeed(final ij.gui.GenericDialog gd, final int index) {
		if (ij.Macro.getOptions() != null) return;
		final java.awt.TextField field = (java.awt.TextField) gd.getNumericFields().get(index);
		if (field.getText().trim().equals("-1")) field.setText(Long.toString(sc.fiji.scoresde.generate
			.GenerationService.pickSeed(-1)));
	}

	/** After a run that made nothing: the reason in the status bar, and in an error dialog unless cancelled. */
	static void reportNothingMade(final DynamicCommand command, final String title) {
		final String reason = command.getCancelReason();
		IJ.showStatus(reason == null ? title + ": no image" : reason);
		if (reason != null && !reason.startsWith("Cancelled")) IJ.error(title, reason);
	}

	/** Shows the command's StatusService messages in ImageJ 1's status bar. */
	public static final class StatusRelay {

		@EventHandler
		public void onStatus(final StatusEvent e) {
			if (e.getProgressMaximum() > 0) IJ.showProgress(e.getProgressValue(), e.getProgressMaximum());
			if (e.getStatusMessage() != null && !e.getStatusMessage().isEmpty()) IJ.showStatus(e.getStatusMessage());
		}
	}
}
