package sc.fiji.scoresde.fiji;

import java.nio.file.Path;
import java.util.List;
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

import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.imagej.ImgInput;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.likelihood.LikelihoodService;
import sc.fiji.scoresde.sampling.SamplingCancelledException;

/**
 * Log-likelihood (VE): the bits/dim of every image of a stack under the model, by the probability-flow ODE with a
 * Hutchinson–Skilling divergence (or the exact one), as the CLI's {@code likelihood}. The input is only read. The
 * figures come back as a CSV table (one line per image) and the mean with its standard error; the menu entry
 * ({@link LikelihoodVePlugIn}, same {@link LikelihoodOptions}) puts them in the Results table. No input is persisted.
 */
@Plugin(type = Command.class, label = "Log-likelihood (VE)", headless = true,
	description = "Bits/dim of images under a Score SDE (VE) model (probability-flow ODE)")
public class LikelihoodVeCommand extends DynamicCommand {

	@Parameter(label = "Images (a stack: every plane one image)", persist = false)
	private Img<?> images;

	@Parameter(label = "Channels (dimension 3 holds 1 or 3 colour channels: X, Y, C, images)", persist = false)
	private boolean channels;

	@Parameter(label = "Model (pipeline folder or hub id; empty: bundled Fashion-MNIST model)", required = false,
		persist = false)
	private String model = "";

	@Parameter(label = "Divergence", choices = { "rademacher", "gaussian", "exact" }, persist = false)
	private String divergence = "rademacher";

	@Parameter(label = "Probes (Hutchinson probes per image)", min = "1", max = "4096", persist = false)
	private int probes = 1;

	@Parameter(label = "Dequantize (8-bit data: add uniform noise within each intensity bin)", persist = false)
	private boolean dequantize;

	@Parameter(label = "Seed (-1: pick one)", persist = false)
	private long seed = -1;

	@Parameter(label = "Tolerance (RK45 rtol = atol)", persist = false)
	private double tolerance = 1e-5;

	@Parameter(label = "Batch (images per ODE solve)", min = "1", max = "4096", persist = false)
	private int batch = 8;

	@Parameter(label = "Device", choices = { DeviceChoice.AUTO_NAME, DeviceChoice.CPU_NAME, DeviceChoice.GPU_NAME },
		persist = false)
	private String device = DeviceChoice.AUTO_NAME;

	@Parameter(type = ItemIO.OUTPUT, label = "Bits/dim (CSV: index, bits/dim, probe s.e., NFE, image)")
	private String table;

	@Parameter(type = ItemIO.OUTPUT, label = "Mean bits/dim")
	private double mean = Double.NaN;

	@Parameter(type = ItemIO.OUTPUT, label = "Standard error of the mean")
	private double standardError = Double.NaN;

	@Parameter
	private LogService log;

	@Parameter(required = false)
	private StatusService status;

	@Parameter(required = false)
	private TaskService taskService;

	private LikelihoodService.Result result;

	private List<UserImage> inputs;

	@Override
	public void run() {
		final LikelihoodOptions o = options();
		try {
			o.request();
			inputs = ImgInput.toUserImages(images, "the input stack", channels);
		}
		catch (final IllegalArgumentException e) {
			log.error(e.getMessage());
			cancel(e.getMessage());
			return;
		}
		// the seed used goes back into the input, so that a recorded macro line replays to the same figures
		seed = sc.fiji.scoresde.generate.GenerationService.pickSeed(seed);
		o.seed = seed;
		final Task task = taskService == null ? null : taskService.createTask("Score SDE VE: log-likelihood");
		try {
			final Path modelPath = ModelLocator.locate(o.model, CommandHooks.download(status), log::info);
			try (LoadedModel loaded = LoadedModel.load(modelPath, o.deviceChoice().resolve(log::info), log::warn)) {
				if (task != null) task.start();
				result = o.run(loaded, inputs, CommandHooks.create(this, log, status, task,
					"Score SDE VE log-likelihood"));
			}
			table = csv(result, inputs);
			mean = result.mean();
			standardError = result.meanStandardError();
			log.info(String.format(Locale.ROOT, "Score SDE VE log-likelihood: model %s, %s, seed %d, %.1f s",
				model == null || model.trim().isEmpty() ? DefaultModel.NAME : model, result.summary(), result.seed,
				result.seconds));
		}
		catch (final SamplingCancelledException e) {
			log.info("Score SDE VE: " + e.getMessage() + "; no figures");
			result = null;
			if (!isCanceled()) cancel("Cancelled: " + e.getMessage());
		}
		catch (final IllegalArgumentException e) {
			// bad input found once the model is known (size, channels): named, no stack trace
			final String message = "Log-likelihood (VE): " + e.getMessage();
			log.error(message);
			result = null;
			cancel(message);
		}
		catch (final Exception e) {
			final String message = "Log-likelihood (VE): " + (e.getMessage() == null ? e.toString() : e.getMessage());
			log.error(message, e);
			result = null;
			cancel(message);
		}
		finally {
			if (task != null) task.finish();
			if (status != null) status.clearStatus();
		}
	}

	/** The options as a script set them. */
	public LikelihoodOptions options() {
		final LikelihoodOptions o = new LikelihoodOptions();
		o.model = model == null ? "" : model;
		o.divergence = divergence;
		o.probes = probes;
		o.dequantize = dequantize;
		o.seed = seed;
		o.tolerance = tolerance;
		o.batch = batch;
		o.device = device;
		return o;
	}

	/** index (from 1), bits/dim, probe standard error (empty for one probe), NFE, image: one line per image. */
	static String csv(final LikelihoodService.Result r, final List<UserImage> images) {
		final StringBuilder s = new StringBuilder("index,bits_per_dim,probe_standard_error,nfe,image\n");
		for (int i = 0; i < r.count(); i++)
			s.append(String.format(Locale.ROOT, "%d,%.6f,%s,%d,\"%s\"%n", i + 1, r.bitsPerDim[i], Double.isNaN(
				r.standardError[i]) ? "" : String.format(Locale.ROOT, "%.6f", r.standardError[i]), r.evaluations[i],
				images.get(i).source.replace("\"", "\"\"")));
		return s.toString();
	}

	/** The figures of the last run (null when it failed or was cancelled). */
	public LikelihoodService.Result result() {
		return result;
	}

	public String table() {
		return table;
	}
}
