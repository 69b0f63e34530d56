package sc.fiji.scoresde.fiji;

import java.util.Locale;

import org.scijava.app.StatusService;
import org.scijava.command.DynamicCommand;
import org.scijava.log.LogService;
import org.scijava.task.Task;

import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.sampling.SamplingListener;

/**
 * The hooks every Score SDE command gives the core: log lines to the LogService, progress to the status bar and the
 * task (network calls, or for adaptive samplers the share of log σ covered), cancel from the module or the task.
 */
final class CommandHooks {

	private CommandHooks() {}

	static GenerationService.Hooks create(final DynamicCommand command, final LogService log,
		final StatusService status, final Task task, final String prefix)
	{
		final GenerationService.Hooks hooks = new GenerationService.Hooks();
		hooks.log = log::info;
		hooks.cancelled = () -> command.isCanceled() || (task != null && task.isCanceled());
		hooks.progress = new SamplingListener() {

			private String reached = "";

			@Override
			public void networkCallDone(final int done, final int total) {
				if (total <= 0) {
					if (status != null) status.showStatus(prefix + ": network call " + done + " (adaptive)" + reached);
					return;
				}
				if (status != null) status.showStatus(done, total, prefix + ": network call " + done + "/" + total);
				if (task != null) {
					task.setProgressMaximum(total);
					task.setProgressValue(done);
				}
			}

			@Override
			public void noiseLevelReached(final double sigma, final double fraction) {
				reached = String.format(Locale.ROOT, ", sigma %.3g reached", sigma);
				final int permille = (int) Math.round(1000 * fraction);
				if (status != null) status.showProgress(permille, 1000);
				if (task != null) {
					task.setProgressMaximum(1000);
					task.setProgressValue(permille);
				}
			}
		};
		return hooks;
	}

	/** A hub download's bytes in the status bar. */
	static sc.fiji.scoresde.hub.HubClient.Progress download(final StatusService status) {
		return (file, done, total) -> {
			if (status != null) status.showStatus((int) Math.min(Integer.MAX_VALUE, done / 1024), (int) Math.min(
				Integer.MAX_VALUE, Math.max(1, total / 1024)), "Score SDE VE: downloading " + file);
		};
	}
}
