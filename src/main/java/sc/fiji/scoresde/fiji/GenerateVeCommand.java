package sc.fiji.scoresde.fiji;

import java.nio.file.Path;
import java.util.Locale;

import net.imglib2.img.Img;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.DynamicCommand;
import org.scijava.log.LogService;
import org.scijava.module.MutableModuleItem;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.imagej.ImgConversion;
import sc.fiji.scoresde.sampling.SamplerOptions;
import sc.fiji.scoresde.sampling.SamplingCancelledException;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * "Generate (VE)": a thin SciJava shell over {@link GenerationService}, for scripts and {@code --run}; the menu entry
 * {@link GenerateVePlugIn} calls the same service with the same {@link GenerateOptions}. Progress goes to the status bar and to a task whose cancel
 * stops the run before the next network call. In ImageJ2 the output is a Dataset with axes X, Y, Channel, Z (one Z
 * plane per image).
 *
 * <p>No menu path of its own: with one, ImageJ2's legacy layer would put this command in place of the ImageJ 1
 * entry, and a macro run headless (or in batch mode on another thread) could not see its output image
 * (imagej/imagej-legacy#215), while the ImageJ 1 entry's ImagePlus is the macro's current image everywhere.
 */
@Plugin(type = Command.class, label = "Generate (VE)", headless = true, initializer = "initChoices",
	description = "Generate images with a Score SDE (VE) diffusers pipeline")
public class GenerateVeCommand extends DynamicCommand {

	// No input persists: scripts and headless --run get the defaults for what they leave out, never the values of an
	// earlier run (the menu entry remembers its dialog's values itself, fiji/LastValues).

	@Parameter(label = "Model (pipeline folder, UNet folder or weights file; empty: bundled Fashion-MNIST model)",
		required = false, persist = false)
	private String model = "";

	/** choices: {@link GenerateOptions#checkpointChoices()}, set by {@link #initChoices()} */
	@Parameter(label = "Or a published checkpoint (downloaded once into the Hugging Face cache)", persist = false)
	private String checkpoint = GenerateOptions.NO_CHECKPOINT;

	@Parameter(label = "Number of images", min = "1", max = "" + GenerateOptions.MAX_IMAGES, persist = false)
	private int images = 1;

	@Parameter(label = "Steps (predictor steps; -1: the model's recommendation)", min = "-1", max = "" +
		SchedulerConfig.MAX_STEPS, persist = false)
	private int steps = -1;

	@Parameter(label = "Seed (-1: pick one)", persist = false)
	private long seed = -1;

	@Parameter(label = "SNR (-1: the model's)", persist = false)
	private double snr = -1;

	@Parameter(label = "Corrector steps (-1: the model's)", min = "-1", max = "" + SchedulerConfig.MAX_CORRECT_STEPS,
		persist = false)
	private int correctors = -1;

	@Parameter(label = "Device", choices = { DeviceChoice.AUTO_NAME, DeviceChoice.CPU_NAME, DeviceChoice.GPU_NAME },
		persist = false)
	private String device = DeviceChoice.AUTO_NAME;

	@Parameter(label = "Output", choices = { GenerateOptions.OUTPUT_RGB, GenerateOptions.OUTPUT_FLOAT }, persist = false)
	private String output = GenerateOptions.OUTPUT_RGB;

	/** choices: {@link SamplerOptions#NAMES}, set by {@link #initChoices()} */
	@Parameter(label = "Sampler",
		description = "pc: diffusers' predictor-corrector loop; ode: probability flow (adaptive); heun: Karras et al.",
		persist = false)
	private String sampler = SamplerOptions.DEFAULT_NAME;

	@Parameter(label = "ODE tolerance (ode sampler)", persist = false)
	private double tolerance = Double.parseDouble(SamplerOptions.DEFAULT_ODE_TOLERANCE);

	@Parameter(label = "Churn (heun sampler; -1: the model's recommendation, else 0)", min = "-1", persist = false)
	private double churn = -1;

	@Parameter(type = ItemIO.OUTPUT, label = "Score SDE VE")
	private Img<?> result;

	@Parameter
	private LogService log;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(required = false)
	private TaskService taskService;

	private GeneratedImages generated;

	/** The choices that are lists in the core (annotation values must be constants). */
	protected void initChoices() {
		final MutableModuleItem<String> c = getInfo().getMutableInput("checkpoint", String.class);
		if (c != null) c.setChoices(java.util.Arrays.asList(GenerateOptions.checkpointChoices()));
		final MutableModuleItem<String> s = getInfo().getMutableInput("sampler", String.class);
		if (s != null) s.setChoices(SamplerOptions.NAMES);
	}

	@Override
	public void run() {
		final GenerateOptions o = options();
		try {
			o.validate();
		}
		catch (final IllegalArgumentException e) {
			log.error(e.getMessage());
			cancel(e.getMessage());
			return;
		}
		// the seed actually used goes back into the input, so that the macro recorder (which reads inputs after
		// the run) writes a line that replays to the same pixels
		seed = GenerationService.pickSeed(seed);
		o.seed = seed;
		final Task task = taskService == null ? null : taskService.createTask("Score SDE VE: generating");
		final long start = System.nanoTime();
		try {
			final Path modelPath = sc.fiji.scoresde.runtime.ModelLocator.locate(o.model, CommandHooks.download(status), log::info);
			final String modelName = o.model.trim().isEmpty() ? DefaultModel.NAME : o.model;
			try (LoadedModel loaded = LoadedModel.load(modelPath, o.deviceChoice().resolve(log::info), log::warn)) {
				final GenerationService.Hooks hooks = CommandHooks.create(this, log, status, task, "Score SDE VE");
				if (task != null) task.start();
				generated = GenerationService.generate(loaded, o.request(), hooks);
			}
			final String title = String.format(Locale.ROOT, "Score SDE VE seed=%d", generated.seed);
			result = ImageJ2Output.of(getContext(), o.floatOutput() ? ImgConversion.toFloatImg(generated)
				: ImgConversion.toUint8Img(generated), title, log);
			final MutableModuleItem<?> item = getInfo().getMutableOutput("result", Img.class);
			if (item != null) item.setLabel(title);
			log.info(String.format(Locale.ROOT, "Score SDE VE: model %s, device %s, seed %d, %d steps, %d image(s)," +
				" %.1f s", modelName, generated.device, generated.seed, generated.steps, generated.batch, (System
					.nanoTime() - start) / 1e9));
		}
		catch (final SamplingCancelledException e) {
			log.info("Score SDE VE: " + e.getMessage() + "; no image was made");
			result = null;
			generated = null;
			if (!isCanceled()) cancel("Cancelled: " + e.getMessage());
		}
		catch (final Exception e) {
			final String message = "Score SDE VE: " + (e.getMessage() == null ? e.toString() : e.getMessage());
			log.error(message, e);
			result = null;
			generated = null;
			cancel(message);
		}
		finally {
			if (task != null) task.finish();
			if (status != null) status.clearStatus();
		}
	}

	/**
	 * A new instance ready for {@code moduleService.run(command, true, inputs)}. (A DynamicCommand is its own
	 * module, so CommandService.run cannot return it; this is the documented way round.)
	 */
	public static GenerateVeCommand create(final org.scijava.Context context) {
		final org.scijava.command.CommandInfo info = context.service(org.scijava.command.CommandService.class)
			.getCommand(GenerateVeCommand.class);
		return (GenerateVeCommand) context.service(org.scijava.module.ModuleService.class).createModule(info);
	}

	/** Runs the command with these inputs and waits for it; the returned command holds outputs and cancel reason. */
	public static GenerateVeCommand runAndWait(final org.scijava.Context context,
		final java.util.Map<String, Object> inputs) throws InterruptedException,
		java.util.concurrent.ExecutionException
	{
		final GenerateVeCommand command = create(context);
		context.service(org.scijava.module.ModuleService.class).run(command, true, inputs).get();
		return command;
	}

	/** The options as the dialog, a macro or a script set them. */
	public GenerateOptions options() {
		final GenerateOptions o = new GenerateOptions();
		o.model = model == null ? "" : model;
		o.applyCheckpoint(checkpoint);
		o.images = images;
		o.steps = steps;
		o.seed = seed;
		o.snr = snr;
		o.correctors = correctors;
		o.device = device;
		o.output = output;
		o.sampler = sampler;
		o.tolerance = tolerance;
		o.churn = churn;
		return o;
	}

	/** The images of the last run with their seed (null when it failed or was cancelled). */
	public GeneratedImages generated() {
		return generated;
	}

	public Img<?> result() {
		return result;
	}
}
