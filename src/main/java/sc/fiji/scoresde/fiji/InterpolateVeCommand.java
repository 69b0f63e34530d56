package sc.fiji.scoresde.fiji;

import java.nio.file.Path;
import java.util.Locale;

import net.imglib2.img.Img;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.DynamicCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.imagej.ImgConversion;
import sc.fiji.scoresde.imagej.ImgInput;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.likelihood.LikelihoodService;
import sc.fiji.scoresde.sampling.SamplingCancelledException;

/**
 * Interpolate (VE): frames between two images, as the CLI's {@code interpolate}: both encoded to latent codes by the
 * probability-flow ODE, the codes interpolated spherically, every frame decoded; frame 1 reconstructs the first
 * image, the last frame the second. Output like Generate (VE)...: (X, Y, channel, frame). Inputs are only read.
 */
@Plugin(type = Command.class, label = "Interpolate (VE)", headless = true,
	description = "Frames between two images through the latent codes of a Score SDE (VE) model")
public class InterpolateVeCommand extends DynamicCommand {

	@Parameter(label = "First image (one plane)", persist = false)
	private Img<?> first;

	@Parameter(label = "Second image (one plane)", persist = false)
	private Img<?> second;

	@Parameter(label = "Frames (including both ends)", min = "2", max = "4096", persist = false)
	private int frames = 8;

	@Parameter(label = "Model (pipeline folder or hub id; empty: bundled Fashion-MNIST model)", required = false,
		persist = false)
	private String model = "";

	@Parameter(label = "Tolerance (RK45 rtol = atol)", persist = false)
	private double tolerance = 1e-5;

	@Parameter(label = "Device", choices = { DeviceChoice.AUTO_NAME, DeviceChoice.CPU_NAME, DeviceChoice.GPU_NAME },
		persist = false)
	private String device = DeviceChoice.AUTO_NAME;

	@Parameter(label = "Output", choices = { GenerateOptions.OUTPUT_RGB, GenerateOptions.OUTPUT_FLOAT }, persist = false)
	private String output = GenerateOptions.OUTPUT_RGB;

	@Parameter(type = ItemIO.OUTPUT, label = "Interpolation (VE)")
	private Img<?> result;

	@Parameter
	private LogService log;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(required = false)
	private TaskService taskService;

	private LikelihoodService.Interpolation interpolation;

	@Override
	public void run() {
		final InterpolateOptions o = options();
		final UserImage a, b;
		try {
			o.validate();
			a = ImgInput.toUserImage(first, "the first image");
			b = ImgInput.toUserImage(second, "the second image");
		}
		catch (final IllegalArgumentException e) {
			log.error(e.getMessage());
			cancel(e.getMessage());
			return;
		}
		final Task task = taskService == null ? null : taskService.createTask("Score SDE VE: interpolate");
		final long start = System.nanoTime();
		try {
			final Path modelPath = ModelLocator.locate(o.model, CommandHooks.download(status), log::info);
			try (LoadedModel loaded = LoadedModel.load(modelPath, o.deviceChoice().resolve(log::info), log::warn)) {
				if (task != null) task.start();
				interpolation = o.run(loaded, a, b, CommandHooks.create(this, log, status, task,
					"Score SDE VE interpolate"));
			}
			final GeneratedImages g = interpolation.frames;
			result = ImageJ2Output.of(getContext(), o.floatOutput() ? ImgConversion
				.toFloatImg(g) : ImgConversion.toUint8Img(g), "Interpolation (VE)", log);
			log.info(String.format(Locale.ROOT, "Score SDE VE interpolate: %d frames, encoded in %d calls (|z| %.1f " +
				"and %.1f; σmax·√D = %.1f), decoded in %d calls, %.1f s", frames, interpolation.encodeEvaluations,
				interpolation.normA, interpolation.normB, interpolation.expectedNorm, interpolation.decodeEvaluations,
				(System.nanoTime() - start) / 1e9));
		}
		catch (final SamplingCancelledException e) {
			log.info("Score SDE VE: " + e.getMessage() + "; no image was made");
			result = null;
			interpolation = null;
			if (!isCanceled()) cancel("Cancelled: " + e.getMessage());
		}
		catch (final IllegalArgumentException e) {
			// bad input found once the model is known (size, channels): named, no stack trace
			final String message = "Interpolate (VE): " + e.getMessage();
			log.error(message);
			result = null;
			interpolation = null;
			cancel(message);
		}
		catch (final Exception e) {
			final String message = "Interpolate (VE): " + (e.getMessage() == null ? e.toString() : e.getMessage());
			log.error(message, e);
			result = null;
			interpolation = null;
			cancel(message);
		}
		finally {
			if (task != null) task.finish();
			if (status != null) status.clearStatus();
		}
	}

	/** The options as a script set them. */
	public InterpolateOptions options() {
		final InterpolateOptions o = new InterpolateOptions();
		o.frames = frames;
		o.model = model == null ? "" : model;
		o.tolerance = tolerance;
		o.device = device;
		o.output = output;
		return o;
	}

	/** The frames of the last run (null when it failed or was cancelled). */
	public LikelihoodService.Interpolation interpolation() {
		return interpolation;
	}

	public Img<?> result() {
		return result;
	}
}
