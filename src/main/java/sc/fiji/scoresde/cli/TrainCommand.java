package sc.fiji.scoresde.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.io.OutputTarget;
import sc.fiji.scoresde.runtime.EngineThread;
import sc.fiji.scoresde.train.ImageSources;
import sc.fiji.scoresde.train.Trainer;
import sc.fiji.scoresde.train.TrainingImages;
import sc.fiji.scoresde.train.TrainingOptions;

/** {@code score-sde train}: fits a VE score model to a folder of images, an image stack or an idx file. */
@Command(name = "train", mixinStandardHelpOptions = true,
	description = "Train a UNet2DModel with the VE denoising score-matching loss; writes a diffusers pipeline folder.")
final class TrainCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--data", required = true, paramLabel = "PATH",
		description = "a folder of images (png, jpg, tif, bmp, gif), one image or TIFF stack, or an idx3 file " +
			"(MNIST, Fashion-MNIST; .gz allowed)")
	private Path data;

	@Option(names = "--output", required = true, paramLabel = "FOLDER",
		description = "new or empty folder for the pipeline (with --resume: the folder of the run to continue)")
	private Path output;

	@Option(names = "--resume", description = "continue the run whose checkpoint is in --output")
	private boolean resume;

	@Option(names = "--architecture", defaultValue = TrainingOptions.DEFAULT_ARCHITECTURE,
		description = "preset (small) or a UNet2DModel config.json (default: ${DEFAULT-VALUE})")
	private String architecture;

	@Option(names = "--size", defaultValue = "0",
		description = "square training crop in pixels; 0: the largest the data allows (default: ${DEFAULT-VALUE})")
	private int size;

	@Option(names = "--channels", defaultValue = "0",
		description = "1 (grey), 3 (RGB) or 0 (as the data) (default: ${DEFAULT-VALUE})")
	private int channels;

	@Option(names = "--steps", defaultValue = "" + TrainingOptions.DEFAULT_STEPS,
		description = "optimizer steps (default: ${DEFAULT-VALUE})")
	private int steps;

	@Option(names = "--batch", defaultValue = "" + TrainingOptions.DEFAULT_BATCH,
		description = "images per step (default: ${DEFAULT-VALUE})")
	private int batch;

	@Option(names = "--lr", defaultValue = TrainingOptions.DEFAULT_LEARNING_RATE,
		description = "Adam learning rate (default: ${DEFAULT-VALUE})")
	private double learningRate;

	@Option(names = "--lr-schedule", defaultValue = TrainingOptions.DEFAULT_LR_SCHEDULE, description = "after the " +
		"warm-up: constant, or cosine (down to 0 at the last step; for short runs and fine-tunes) (default: " +
		"${DEFAULT-VALUE})")
	private String lrSchedule;

	@Option(names = "--warmup", defaultValue = "-1",
		description = "linear warm-up steps; -1: min(5000, steps/10) (default: ${DEFAULT-VALUE})")
	private int warmup;

	@Option(names = "--grad-clip", defaultValue = "1", description = "global gradient-norm clip; negative: none " +
		"(default: ${DEFAULT-VALUE})")
	private double gradClip;

	@Option(names = "--ema", defaultValue = TrainingOptions.DEFAULT_EMA_DECAY,
		description = "EMA decay of the saved weights (default: " +
		"${DEFAULT-VALUE})")
	private double ema;

	@Option(names = "--sigma-min", defaultValue = TrainingOptions.DEFAULT_SIGMA_MIN,
		description = "(default: ${DEFAULT-VALUE})")
	private double sigmaMin;

	@Option(names = "--sigma-max", defaultValue = "0",
		description = "0: the largest distance between two training images (default: ${DEFAULT-VALUE})")
	private double sigmaMax;

	@Option(names = "--no-flips", description = "no random left-right flips")
	private boolean noFlips;

	@Option(names = "--seed", defaultValue = "0", description = "seed of initial weights and of every batch " +
		"(default: ${DEFAULT-VALUE})")
	private long seed;

	@Option(names = "--checkpoint-every", defaultValue = "" + TrainingOptions.DEFAULT_CHECKPOINT_EVERY,
		description = "steps between checkpoints " +
		"(default: ${DEFAULT-VALUE})")
	private int checkpointEvery;

	@Option(names = "--limit", defaultValue = "0", description = "read at most this many images; 0: all " +
		"(default: ${DEFAULT-VALUE})")
	private int limit;

	@Mixin
	private DeviceOption device;

	@Option(names = "--weighting", defaultValue = TrainingOptions.DEFAULT_WEIGHTING,
		description = "loss weight per noise level: paper " +
		"(score_sde's, w = 1) or edm (w = 1 + sigma^2/sigma_data^2, Karras et al. 2022: large noise levels count as " +
		"much as small ones) (default: ${DEFAULT-VALUE})")
	private String weighting;

	@Option(names = "--sigma-data", defaultValue = "0", description = "sigma_data of --weighting edm; 0: the " +
		"standard deviation of the training pixels (default: ${DEFAULT-VALUE})")
	private double sigmaData;

	@Option(names = "--init", paramLabel = "MODEL", description = "start from this pipeline's weights (its " +
		"architecture and sigma range) instead of fresh ones: fine-tuning")
	private String init;

	@Option(names = "--snapshots", description = "at every checkpoint also write the moving-average weights as a " +
		"pipeline folder training/snapshots/step-N, to follow a long run's quality")
	private boolean snapshots;

	@Option(names = "--quiet", description = "no progress line")
	private boolean quiet;

	@Override
	public Integer call() throws Exception {
		final PrintWriter err = spec.commandLine().getErr();
		final TrainingOptions o = new TrainingOptions();
		o.architecture = architecture;
		o.size = size;
		o.channels = channels;
		o.steps = steps;
		o.batch = batch;
		o.learningRate = learningRate;
		o.lrSchedule = lrSchedule;
		o.warmup = warmup;
		o.gradClip = gradClip;
		o.emaDecay = ema;
		o.sigmaMin = sigmaMin;
		o.sigmaMax = sigmaMax;
		o.flips = !noFlips;
		o.seed = seed;
		o.checkpointEvery = checkpointEvery;
		o.resume = resume;
		o.device = device.text();
		o.limit = limit;
		o.weighting = weighting;
		o.sigmaData = sigmaData;
		o.init = init;
		o.given = givenOptions();
		o.validate();
		OutputTarget.checkFolder(output);
		final TrainingImages images = ImageSources.load(data, channels, limit);
		err.printf(Locale.ROOT, "data: %d images from %s (%s)%n", images.count(), data, images.scaling);

		// Ctrl-C: the run stops after its current step and saves a checkpoint before the JVM exits
		final Trainer.Result result;
		try (Interruption interruption = Interruption.install()) {
			final Trainer.Hooks hooks = new Trainer.Hooks();
			hooks.log = err::println;
			hooks.cancelled = interruption::requested;
			hooks.snapshots = snapshots;
			if (!quiet) hooks.progress = new TrainingProgress(err);
			result = EngineThread.call(() -> Trainer.train(images, o, output, hooks));
		}
		err.printf(Locale.ROOT, "%s after %d steps, recent loss %.4g, sigma_max %.3f, %.1f s%n", result.cancelled ?
			"stopped" : "done", result.steps, result.recentLoss, result.sigmaMax, result.seconds);
		if (result.cancelled) return 130;
		spec.commandLine().getOut().println(output);
		spec.commandLine().getOut().flush();
		return 0;
	}

	/** the options of a run as the checkpoint names them, with the flag that sets each */
	private static final String[][] OPTION_FLAGS = { { "architecture", "--architecture" }, { "size", "--size" },
		{ "channels", "--channels" }, { "steps", "--steps" }, { "batch", "--batch" }, { "learning_rate", "--lr" },
		{ "lr_schedule", "--lr-schedule" }, { "warmup", "--warmup" }, { "grad_clip", "--grad-clip" },
		{ "ema_decay", "--ema" }, { "sigma_min", "--sigma-min" }, { "sigma_max", "--sigma-max" },
		{ "flips", "--no-flips" }, { "seed", "--seed" }, { "weighting", "--weighting" },
		{ "sigma_data", "--sigma-data" } };

	/** What the command line gave, so that --resume takes the rest from the checkpoint and not from our defaults. */
	private java.util.Set<String> givenOptions() {
		final java.util.Set<String> given = new java.util.HashSet<>();
		for (final String[] option : OPTION_FLAGS)
			if (spec.commandLine().getParseResult().hasMatchedOption(option[1])) given.add(option[0]);
		return given;
	}

	/** One status line on stderr, redrawn at most five times a second. */
	static final class TrainingProgress implements Trainer.Progress {

		private final PrintWriter err;
		private final long start = System.nanoTime();
		private long lastDraw;
		private int first = -1;

		TrainingProgress(final PrintWriter err) {
			this.err = err;
		}

		@Override
		public void step(final int done, final int total, final double loss, final double learningRate) {
			final long now = System.nanoTime();
			if (first < 0) first = done - 1;
			if (done != total && now - lastDraw < 200_000_000L) return;
			lastDraw = now;
			final double seconds = (now - start) / 1e9;
			final double perStep = seconds / Math.max(1, done - first);
			err.printf(Locale.ROOT, "\rstep %d/%d  loss %.4g  lr %.2e  %.2f s/step  %.0f s left ", done, total, loss,
				learningRate, perStep, perStep * (total - done));
			if (done == total) err.println();
			err.flush();
		}
	}
}
