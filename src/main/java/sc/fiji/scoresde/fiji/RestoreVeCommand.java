package sc.fiji.scoresde.fiji;

import java.nio.file.Path;
import java.util.Locale;

import net.imglib2.img.Img;

import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.DynamicCommand;
import org.scijava.log.LogService;
import org.scijava.module.MutableModuleItem;
import org.scijava.plugin.Parameter;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.imagej.ImgConversion;
import sc.fiji.scoresde.imagej.ImgInput;
import sc.fiji.scoresde.imagej.UncertaintyStack;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.sampling.SamplerOptions;
import sc.fiji.scoresde.sampling.SamplingCancelledException;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * The SciJava shell shared by Inpaint, Colorize, Super-resolution, Denoise and Guided synthesis (VE)...: reads the
 * input image (one plane, never modified), runs {@link RestorationService} with progress and cancel, and outputs the
 * results as an (X, Y, channel, result) image like Generate (VE)... (with uncertainty one float image whose planes
 * are the mean, the standard deviation and the samples, {@link UncertaintyStack}). The menu entries are the ImageJ 1 plugins in plugins.config
 * ({@link RestoreVePlugIn}, same {@link RestoreOptions}), which read the selection and the current plane; these commands have no menu path of their own so that Fiji shows
 * one entry each, and are what scripts and headless runs call. No input is persisted: a script that leaves an option
 * out gets its default, never the value of an earlier run (the ImageJ 1 dialogs remember their own last values).
 */
public abstract class RestoreVeCommand extends DynamicCommand {

	@Parameter(label = "Image (one plane: grey, RGB or 3 channels)", persist = false)
	private Img<?> image;

	@Parameter(label = "Model (pipeline folder or hub id; empty: bundled Fashion-MNIST model)", required = false,
		persist = false)
	private String model = "";

	/** choices: {@link SamplerOptions#NAMES}, set by {@link #initChoices()} */
	@Parameter(label = "Sampler", persist = false)
	private String sampler = defaults().sampler;

	@Parameter(label = "Steps", min = "1", max = "" + SchedulerConfig.MAX_STEPS, persist = false)
	private int steps = defaults().steps;

	@Parameter(label = "Seed (-1: pick one)", persist = false)
	private long seed = -1;

	@Parameter(label = "Samples (results per image)", min = "0", max = "4096", persist = false)
	private int samples = defaults().samples;

	@Parameter(label = "Device", choices = { DeviceChoice.AUTO_NAME, DeviceChoice.CPU_NAME, DeviceChoice.GPU_NAME },
		persist = false)
	private String device = DeviceChoice.AUTO_NAME;

	@Parameter(label = "Output", choices = { GenerateOptions.OUTPUT_RGB, GenerateOptions.OUTPUT_FLOAT }, persist = false)
	private String output = GenerateOptions.OUTPUT_RGB;

	@Parameter(type = ItemIO.OUTPUT, label = "Score SDE VE")
	private Img<?> result;

	@Parameter
	private LogService log;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(required = false)
	private TaskService taskService;

	private GeneratedImages restored;

	abstract Restoration.Task task();

	/** The sampler choices, a list in the core (annotation values must be constants); every subclass's initializer. */
	protected void initChoices() {
		final MutableModuleItem<String> s = getInfo().getMutableInput("sampler", String.class);
		if (s != null) s.setChoices(SamplerOptions.NAMES);
	}

	/** The task's own options on top of the common ones. */
	abstract void configure(RestoreOptions o);

	/** inpaint: 1 where pixels are made; else null. */
	float[] regenerate(final UserImage input) {
		return null;
	}

	final RestoreOptions defaults() {
		return new RestoreOptions(task());
	}

	/** The options as the dialog, a macro or a script set them. */
	public RestoreOptions options() {
		final RestoreOptions o = new RestoreOptions(task());
		o.model = model == null ? "" : model;
		o.sampler = sampler;
		o.steps = steps;
		o.seed = seed;
		o.samples = samples;
		o.device = device;
		o.output = output;
		configure(o);
		return o;
	}

	@Override
	public void run() {
		final RestoreOptions o = options();
		final String name = o.name();
		final UserImage input;
		final float[] region;
		try {
			o.validate();
			input = ImgInput.toUserImage(image, "the input image");
			region = regenerate(input);
		}
		catch (final IllegalArgumentException e) {
			log.error(e.getMessage());
			cancel(e.getMessage());
			return;
		}
		// the seed used goes back into the input, so that the recorded macro line replays to the same pixels
		seed = GenerationService.pickSeed(seed);
		o.seed = seed;
		final Task task = taskService == null ? null : taskService.createTask("Score SDE VE: " + name);
		final long start = System.nanoTime();
		try {
			final Path modelPath = ModelLocator.locate(o.model, CommandHooks.download(status), log::info);
			try (LoadedModel loaded = LoadedModel.load(modelPath, o.deviceChoice().resolve(log::info), log::warn)) {
				if (task != null) task.start();
				restored = o.run(loaded, input, region, CommandHooks.create(this, log, status, task, "Score SDE VE " +
					name));
			}
			final String title = resultTitle(o, restored.seed);
			if (restored.mean != null) result = ImageJ2Output.of(getContext(), ImgConversion.toFloatImg(
				UncertaintyStack.of(restored)), title, UncertaintyStack.planeLabels(restored.batch, restored.channels),
				log);
			else result = ImageJ2Output.of(getContext(), o.floatOutput() ? ImgConversion.toFloatImg(restored)
				: ImgConversion.toUint8Img(restored), title, log);
			final MutableModuleItem<?> item = getInfo().getMutableOutput("result", Img.class);
			if (item != null) item.setLabel(title);
			log.info(String.format(Locale.ROOT, "Score SDE VE %s: model %s, seed %d, %s, %d steps, %d result(s)%s, " +
				"%.1f s", name, o.model.trim().isEmpty() ? DefaultModel.NAME : o.model, restored.seed, o.method(), o.steps,
				restored.batch, restored.mean != null ? " with their mean and std" : "", (System.nanoTime() - start) /
					1e9));
		}
		catch (final SamplingCancelledException e) {
			log.info("Score SDE VE: " + e.getMessage() + "; no image was made");
			result = null;
			restored = null;
			if (!isCanceled()) cancel("Cancelled: " + e.getMessage());
		}
		catch (final Exception e) {
			final String message = name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
			log.error(message, e);
			result = null;
			restored = null;
			cancel(message);
		}
		finally {
			if (task != null) task.finish();
			if (status != null) status.clearStatus();
		}
	}

	/** "Inpaint (VE) seed=7": the result window's title. */
	public static String resultTitle(final RestoreOptions o, final long seed) {
		return o.name() + " seed=" + seed;
	}

	/** A new instance of the command class, ready for {@code moduleService.run(command, true, inputs)}. */
	public static <C extends DynamicCommand> C create(final org.scijava.Context context, final Class<C> type) {
		final org.scijava.command.CommandInfo info = context.service(org.scijava.command.CommandService.class)
			.getCommand(type);
		return type.cast(context.service(org.scijava.module.ModuleService.class).createModule(info));
	}

	/** Runs the command with these inputs and waits; the returned command holds outputs and cancel reason. */
	public static <C extends DynamicCommand> C runAndWait(final org.scijava.Context context, final Class<C> type,
		final java.util.Map<String, Object> inputs) throws InterruptedException,
		java.util.concurrent.ExecutionException
	{
		final C command = create(context, type);
		context.service(org.scijava.module.ModuleService.class).run(command, true, inputs).get();
		return command;
	}

	/** The results of the last run with their seed (null when it failed or was cancelled). */
	public GeneratedImages restored() {
		return restored;
	}

	public Img<?> result() {
		return result;
	}
}
