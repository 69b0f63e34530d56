package sc.fiji.scoresde.fiji;

import sc.fiji.scoresde.runtime.DeviceChoice;
import java.io.File;
import java.util.Locale;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.train.Trainer;
import sc.fiji.scoresde.train.TrainingImages;
import sc.fiji.scoresde.train.TrainingOptions;

/**
 * "Train Score Model (VE)": trains on the open image or on images from disk and writes a pipeline folder that
 * "Generate (VE)..." (and Python diffusers) load. A thin shell over {@link Trainer}: progress in the status bar and
 * a task; cancel stops after the current step and keeps a resumable checkpoint. Its menu entry is the ImageJ 1
 * plugin {@link TrainVePlugIn}, in Fiji too, like every entry of this plugin (why: {@link GenerateVeCommand}), so
 * that the dialog and the recorded macro line are the same in Fiji and ImageJ 1.
 */
@Plugin(type = Command.class, label = "Train Score Model (VE)", headless = true,
	description = "Train a Score SDE (VE) model on your images")
public class TrainVeCommand extends ContextCommand {

	@Parameter(label = "Training images", choices = { TrainOptions.SOURCE_IMAGE, TrainOptions.SOURCE_PATH })
	private String source = TrainOptions.SOURCE_IMAGE;

	@Parameter(label = "Folder, image or idx file (when not the open image)", required = false,
		style = "both")
	private File data;

	@Parameter(label = "Output folder (new or empty; with resume: the earlier run's)", style = "directory")
	private File output;

	@Parameter(label = "Resume the run in the output folder")
	private boolean resume;

	@Parameter(label = "Architecture (preset 'small' or a config.json)")
	private String architecture = "small";

	@Parameter(label = "Crop size (0: largest the images allow)", min = "0")
	private int size;

	@Parameter(label = "Channels", choices = { TrainOptions.CHANNELS_AUTO, TrainOptions.CHANNELS_GREY,
		TrainOptions.CHANNELS_RGB })
	private String channels = TrainOptions.CHANNELS_AUTO;

	@Parameter(label = "Steps", min = "1")
	private int steps = 10000;

	@Parameter(label = "Batch size", min = "1")
	private int batch = 64;

	@Parameter(label = "Learning rate (Adam)")
	private double lr = 2e-4;

	@Parameter(label = "Seed")
	private long seed;

	@Parameter(label = "Device", choices = { DeviceChoice.AUTO_NAME, DeviceChoice.CPU_NAME, DeviceChoice.GPU_NAME })
	private String device = DeviceChoice.AUTO_NAME;

	@Parameter(type = ItemIO.OUTPUT, label = "Trained model")
	private String trained;

	@Parameter
	private LogService log;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(required = false)
	private TaskService taskService;

	private Trainer.Result result;

	@Override
	public void run() {
		final TrainOptions o = options();
		final Task task = taskService == null ? null : taskService.createTask("Score SDE VE: training");
		try {
			final TrainingOptions training = o.training();
			final java.nio.file.Path folder = o.outputFolder();
			final TrainingImages images = o.images();
			log.info(String.format(Locale.ROOT, "Score SDE VE training: %d images (%s)", images.count(), images
				.scaling));
			final Trainer.Hooks hooks = new Trainer.Hooks();
			hooks.log = line -> log.info("Score SDE VE training: " + line);
			hooks.cancelled = () -> isCanceled() || (task != null && task.isCanceled());
			hooks.progress = (done, total, loss, lr) -> {
				if (status != null) status.showStatus(done, total, String.format(Locale.ROOT,
					"Score SDE VE: training step %d/%d, loss %.4g", done, total, loss));
				if (task != null) {
					task.setProgressMaximum(total);
					task.setProgressValue(done);
				}
			};
			if (task != null) task.start();
			result = Trainer.train(images, training, folder, hooks);
			if (result.cancelled) {
				if (!isCanceled()) cancel("Cancelled at step " + result.steps + "; resume it from " + o.output);
				trained = null;
			}
			else {
				trained = o.outputFolder().toString();
				log.info(String.format(Locale.ROOT, "Score SDE VE: trained %d steps in %.0f s (recent loss %.4g, " +
					"sigma_max %.3f); the pipeline is %s", result.steps, result.seconds, result.recentLoss,
					result.sigmaMax, trained));
			}
		}
		catch (final Exception e) {
			final String message = "Score SDE VE training: " + (e.getMessage() == null ? e.toString() : e
				.getMessage());
			log.error(message, e);
			trained = null;
			cancel(message);
		}
		finally {
			if (task != null) task.finish();
			if (status != null) status.clearStatus();
		}
	}

	/** The options as the dialog, a macro or a script set them. */
	public TrainOptions options() {
		final TrainOptions o = new TrainOptions();
		o.source = source;
		o.data = data == null ? "" : data.getPath();
		o.output = output == null ? "" : output.getPath();
		o.resume = resume;
		o.architecture = architecture;
		o.size = size;
		o.channels = channels;
		o.steps = steps;
		o.batch = batch;
		o.learningRate = lr;
		o.seed = seed;
		o.device = device;
		return o;
	}

	/** What the last run did (null when it failed before training). */
	public Trainer.Result result() {
		return result;
	}

	public String trained() {
		return trained;
	}
}
