package sc.fiji.scoresde.fiji;

import org.scijava.app.StatusService;
import org.scijava.command.DynamicCommand;
import org.scijava.log.LogService;
import org.scijava.task.Task;

import sc.fiji.scoresde.generate.GenerationService;

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
		hooks.progress = new ProgressMessages(prefix, new ProgressMessages.Display() {

			@Override
			public void status(final String message, final int done, final int total) {
				if (total <= 0) {
					if (status != null) status.showStatus(message);
					return;
				}
				if (status != null) status.showStatus(done, total, message);
				task(done, total);
			}

			@Override
			public void bar(final int done, final int total) {
				if (status != null) status.showProgress(done, total);
				task(done, total);
			}

			private void task(final int done, final int total) {
				if (task == null) return;
				task.setProgressMaximum(total);
				task.setProgressValue(done);
			}
		});
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
