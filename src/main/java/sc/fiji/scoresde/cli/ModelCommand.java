package sc.fiji.scoresde.cli;

import java.io.PrintWriter;

import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.hub.HubClient;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelRuntime;
import sc.fiji.scoresde.runtime.RunHooks;

/**
 * The preamble of every command that runs a model, once: locate the model (download bar unless quiet), print the
 * model line, install the Ctrl-C handler, load (cached, on the engine thread), then the command's job with hooks that
 * log to stderr, draw the progress bar and stop on Ctrl-C.
 */
final class ModelCommand {

	/** What a command does with the loaded model. */
	@FunctionalInterface
	interface Job<T> {

		T run(LoadedModel model, RunHooks hooks) throws Exception;
	}

	private ModelCommand() {}

	/**
	 * @param model as the user gave it (null: the bundled model)
	 * @param progress whether to draw the progress bar (not with --quiet, nor for commands that print their own)
	 */
	static <T> T run(final CommandSpec spec, final String model, final DeviceChoice device, final boolean quiet,
		final boolean progress, final Job<T> job) throws Exception
	{
		final PrintWriter err = spec.commandLine().getErr();
		final java.nio.file.Path path = sc.fiji.scoresde.runtime.ModelLocator.locate(model, quiet ? HubClient.Progress
			.NONE : new DownloadBar(err), err::println);
		err.println("model: " + (model != null ? model : DefaultModel.NAME));
		try (Interruption interruption = Interruption.install()) {
			final LoadedModel loaded = ModelRuntime.load(path, device, err::println);
			final RunHooks hooks = new RunHooks();
			hooks.log = err::println;
			hooks.cancelled = interruption::requested;
			if (progress && !quiet) hooks.progress = new ProgressBar(err);
			return job.run(loaded, hooks);
		}
	}
}
