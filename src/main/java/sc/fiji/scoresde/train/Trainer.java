package sc.fiji.scoresde.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import sc.fiji.scoresde.errors.JsonInput;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.Engines;
import sc.fiji.scoresde.io.AtomicFiles;
import sc.fiji.scoresde.model.HostTensor;
import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.weights.PipelineFolder;
import sc.fiji.scoresde.weights.PipelineWriter;
import sc.fiji.scoresde.model.ModelConfigException;
import sc.fiji.scoresde.model.Parameter;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;
import sc.fiji.scoresde.model.WeightsMismatchException;
import sc.fiji.scoresde.sampling.SchedulerConfig;
import sc.fiji.scoresde.sampling.VeSde;

/**
 * Fits a UNet2DModel to training images with the continuous-time denoising score-matching loss of the VE SDE, the
 * way score_sde_pytorch's run_lib.train does: Adam with warm-up and gradient clipping, an EMA of the weights that
 * is what gets saved for sampling. Every random draw of step k comes from a generator seeded by (seed, k), so a run
 * resumed from a checkpoint continues exactly as the uninterrupted one.
 *
 * <p>The output folder becomes a diffusers ScoreSdeVePipeline (EMA weights) plus {@code training/}: the resumable
 * checkpoint, the options and a per-step log.
 */
public final class Trainer {

	/** Receives one call per finished step. */
	@FunctionalInterface
	public interface Progress {

		void step(int done, int total, double loss, double learningRate);
	}

	/** How a front end follows and stops a run. */
	public static final class Hooks {

		public Consumer<String> log = s -> {};
		/** polled before every step; a cancelled run saves its checkpoint and ends */
		public BooleanSupplier cancelled = () -> false;
		public Progress progress = (d, t, l, r) -> {};
		/**
		 * true: every periodic checkpoint also writes the moving-average weights as a pipeline folder
		 * {@code training/snapshots/step-N} (a long run's quality can then be followed with any command that takes a
		 * model); not a training option, so a resumed run may switch it
		 */
		public boolean snapshots;
	}

	/** The folder of the snapshot written at {@code step} (see {@link Hooks#snapshots}). */
	public static Path snapshotFolder(final Path output, final int step) {
		return output.resolve("training").resolve("snapshots").resolve("step-" + step);
	}

	/** What a run did. */
	public static final class Result {

		public final Path output;
		/** updates done in total (including those of earlier, resumed runs) */
		public final int steps;
		public final double sigmaMax;
		/** the mean loss of the last logged stretch of steps */
		public final double recentLoss;
		public final boolean cancelled;
		public final double seconds;

		Result(final Path output, final int steps, final double sigmaMax, final double recentLoss,
			final boolean cancelled, final double seconds)
		{
			this.output = output;
			this.steps = steps;
			this.sigmaMax = sigmaMax;
			this.recentLoss = recentLoss;
			this.cancelled = cancelled;
			this.seconds = seconds;
		}
	}

	/** non-finite steps in a row that end a run */
	static final int MAX_BAD_STEPS = 5;
	static final String CHECKPOINT_FORMAT = "score-sde-ve training checkpoint 1";
	static final String PRESETS = "/sc/fiji/scoresde/train/architectures/";

	/** Test seam: sees the run's base manager after every step (leak checks). */
	static volatile Consumer<NDManager> afterStep;

	private Trainer() {}

	public static Path checkpointFile(final Path output) {
		return output.resolve("training").resolve("checkpoint.safetensors");
	}

	/**
	 * The architecture to train: a preset or a config file, with sample size and channels set from the data.
	 *
	 * @param size the square side; 0: the largest side every image holds, rounded down to a multiple of
	 *          2^(levels−1)
	 */
	public static UNet2DConfig architecture(final String name, final int size, final TrainingImages data)
		throws IOException
	{
		final String json, source;
		if (name.matches("[a-z0-9-]+") && Trainer.class.getResource(PRESETS + name + ".json") != null) {
			source = "architecture preset '" + name + "'";
			try (InputStream in = Trainer.class.getResourceAsStream(PRESETS + name + ".json")) {
				json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
		}
		else {
			final Path file = Paths.get(name);
			if (!Files.isRegularFile(file)) throw new IllegalArgumentException("architecture '" + name +
				"' is neither a preset (small) nor a UNet2DModel config.json file");
			source = file.toString();
			json = Files.readString(file, StandardCharsets.UTF_8);
		}
		try {
			final UNet2DConfig c = UNet2DConfig.parse(json, source);
			if (!"fourier".equals(c.timeEmbeddingType)) throw new IllegalArgumentException(source +
				": time_embedding_type must be \"fourier\" for a VE score model (only then does UNet2DModel divide its" +
				" output by σ, as the VE pipeline expects); it is \"" + c.timeEmbeddingType + "\"");
			final int factor = 1 << (c.blockOutChannels.length - 1);
			int side = size;
			if (side == 0) {
				final int[] smallest = data.smallestSize();
				side = Math.min(smallest[0], smallest[1]) / factor * factor;
				if (side == 0) throw new IllegalArgumentException("the smallest training image (" + smallest[1] + "×" +
					smallest[0] + ") is below this architecture's " + factor + "-pixel granularity");
			}
			if (side % factor != 0) throw new IllegalArgumentException("size " + side + " is not a multiple of " +
				factor + " (this architecture halves the image " + (c.blockOutChannels.length - 1) + " times)");
			data.checkCrop(side, side);
			c.sampleSize = new int[] { side, side };
			c.inChannels = data.channels;
			c.outChannels = data.channels;
			c.validate(source);
			return c;
		}
		catch (final ModelConfigException e) {
			throw new IllegalArgumentException(e.getMessage(), e);
		}
	}

	private static PipelineFolder openInit(final String path) throws IOException {
		try {
			final PipelineFolder f = PipelineFolder.open(Paths.get(path), true);
			if (!"fourier".equals(f.unetConfig.timeEmbeddingType)) throw new IllegalArgumentException(f.unetConfigFile +
				": time_embedding_type must be \"fourier\" for a VE score model to start from; it is \"" + f.unetConfig
					.timeEmbeddingType + "\"");
			if (f.unetConfig.sampleSize == null) throw new IllegalArgumentException(f.unetConfigFile + " has no " +
				"sample_size, so the training crop size is unknown");
			return f;
		}
		catch (final ModelConfigException e) {
			throw new ModelFormatException(e.getMessage(), e);
		}
	}

	/**
	 * A resumed run's options come from its checkpoint, and training/options.json is their readable copy, rewritten
	 * when the run goes on; a copy that is no longer a JSON object means the run folder was damaged or edited by
	 * hand, which should not pass unnoticed.
	 */
	private static void checkOptionsFile(final Path file) throws IOException {
		if (!Files.exists(file)) return;
		final String action = "; restore it or delete it to resume (the checkpoint keeps the options)";
		if (!Files.isRegularFile(file) || Files.size(file) > 1 << 20) throw new ModelFormatException(file + " is not " +
			"the small options file a training run writes" + action);
		final String text;
		try {
			text = Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (final java.nio.charset.CharacterCodingException e) {
			throw new ModelFormatException(file + " is not UTF-8 text" + action);
		}
		try {
			JsonInput.parseObject(text, file.toString());
		}
		catch (final IllegalArgumentException e) {
			throw new ModelFormatException(e.getMessage() + action);
		}
	}

	/** The seed of step k's draws: a SplitMix64 finaliser of (seed, k). */
	static long stepSeed(final long seed, final long step) {
		long z = seed + 0x9E3779B97F4A7C15L * (step + 1);
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	public static Result train(final TrainingImages data, final TrainingOptions o, final Path output,
		final Hooks hooks) throws IOException
	{
		o.validate();
		final long start = System.nanoTime();
		final Path checkpoint = checkpointFile(output);
		final TrainingCheckpoint resumed;
		if (o.resume) {
			if (!Files.isRegularFile(checkpoint)) throw new IllegalArgumentException("nothing to resume: " +
				checkpoint + " does not exist");
			checkOptionsFile(output.resolve("training").resolve("options.json"));
			resumed = TrainingCheckpoint.read(checkpoint);
			resumed.fillOptions(o, hooks.log);
		}
		else {
			resumed = null;
			if (Files.exists(checkpoint)) throw new IllegalArgumentException(output + " already holds a training " +
				"checkpoint; resume it, or choose another output folder");
			if (Files.isDirectory(output)) {
				try (java.util.stream.Stream<Path> s = Files.list(output)) {
					if (s.findAny().isPresent()) throw new IllegalArgumentException(output + " is not empty; training " +
						"writes a new pipeline folder (choose a new or empty folder)");
				}
			}
			else if (Files.exists(output)) throw new IllegalArgumentException(output + " is a file, not a folder");
		}
		final PipelineFolder init = o.init != null && resumed == null ? openInit(o.init) : null;
		final UNet2DConfig config = resumed != null ? resumed.unetConfig() : init != null ? init.unetConfig : architecture(
			o.architecture, o.size, data);
		if (init != null) {
			if (init.unetConfig.inChannels != data.channels) throw new IllegalArgumentException(init.root + " makes " +
				init.unetConfig.inChannels + "-channel images; this data has " + data.channels);
			data.checkCrop(config.height(), config.width());
		}
		if (resumed != null) {
			if (resumed.channels() != data.channels) throw new IllegalArgumentException(checkpoint + " was trained on " +
				resumed.channels() + "-channel images; this data has " + data.channels);
			data.checkCrop(config.height(), config.width());
		}
		final int side = config.height();
		final double sigmaMax;
		if (resumed != null) sigmaMax = resumed.scheduler().sigmaMax;
		else if (o.sigmaMax > 0) sigmaMax = o.sigmaMax;
		else if (init != null) sigmaMax = init.schedulerConfig.sigmaMax;
		else {
			sigmaMax = data.largestPairwiseDistance(side, side);
			if (!(sigmaMax > o.sigmaMin)) throw new IllegalArgumentException(String.format(Locale.ROOT, "sigma_max " +
				"cannot come from the data: the largest distance between two training images is %s, not above " +
				"sigma_min %s (one image, or identical ones?); give sigma_max", sigmaMax, o.sigmaMin));
			hooks.log.accept(String.format(Locale.ROOT, "sigma_max %.3f: the largest distance between two " +
				"training images (Song & Ermon 2020, technique 1)", sigmaMax));
		}
		final SchedulerConfig scheduler = new SchedulerConfig();
		scheduler.sigmaMin = o.sigmaMin;
		scheduler.sigmaMax = sigmaMax;
		scheduler.samplingEps = o.eps;
		if (resumed != null) {
			scheduler.sigmaMin = resumed.scheduler().sigmaMin;
			scheduler.samplingEps = resumed.scheduler().samplingEps;
		}
		else if (init != null) {
			scheduler.sigmaMin = init.schedulerConfig.sigmaMin;
			scheduler.samplingEps = init.schedulerConfig.samplingEps;
		}
		scheduler.validate("training");
		final DenoisingScoreMatching.Weighting weighting = DenoisingScoreMatching.Weighting.parse(o.weighting);
		if (weighting == DenoisingScoreMatching.Weighting.EDM && o.sigmaData == 0) {
			o.sigmaData = data.pixelStd();
			hooks.log.accept(String.format(Locale.ROOT, "sigma_data %.4f: the standard deviation of the training " +
				"pixels", o.sigmaData));
		}
		final DenoisingScoreMatching dsm = new DenoisingScoreMatching(new VeSde(scheduler.sigmaMin, sigmaMax,
			scheduler.samplingEps), weighting, o.sigmaData > 0 ? o.sigmaData : 1);

		final Device device = DeviceChoice.parse(o.device).resolve(hooks.log);
		final Engine engine = Engines.pytorch();
		try (TrainingLock lock = TrainingLock.acquire(output);
			NDManager base = NDManager.newBaseManager(device, Engines.PYTORCH);
			UNet2DModel unet = new UNet2DModel(config, base.newSubManager()))
		{
			AtomicFiles.write(output.resolve("training").resolve("options.json"), out -> out.write(o.toJson()
				.getBytes(StandardCharsets.UTF_8)));
			final Adam adam = new Adam(o.learningRate, o.warmupSteps(), o.gradClip, o.decayEnd());
			final Ema ema = new Ema(o.emaDecay);
			final List<Parameter> trained = new ArrayList<>();
			for (final Parameter p : unet.parameters().parameters().values())
				if (!p.key().equals(WeightInit.FOURIER_WEIGHT)) trained.add(p);
			int step;
			final List<String> log = new ArrayList<>();
			if (resumed == null) {
				if (init != null) {
					unet.loadWeights(init.readWeights(), init.weightsFile.toString(), hooks.log);
					hooks.log.accept("starting from the weights of " + init.weightsFile);
				}
				else unet.loadWeights(WeightInit.stateDict(unet, o.seed), "initial weights", hooks.log);
				ema.start(unet.parameters().parameters().values());
				step = 0;
				log.add("step\tloss\tlearning_rate\tgrad_norm\tseconds");
			}
			else {
				unet.loadWeights(resumed.section("model/"), checkpoint + " (model)", hooks.log);
				final NDManager m = trained.get(0).get().getManager();
				final Map<String, NDArray> average = resumed.arrays("ema/", m, unet);
				if (!average.keySet().equals(unet.parameters().parameters().keySet())) throw new ModelFormatException(
					checkpoint + ": the moving average covers " + average.size() + " of the " + unet.parameters()
						.parameters().size() + " weights");
				ema.restore(average, resumed.emaUpdates());
				adam.restore(resumed.arrays("adam.m/", m, unet), resumed.arrays("adam.v/", m, unet), resumed
					.adamUpdates());
				step = resumed.steps();
				hooks.log.accept("resuming " + checkpoint + " at step " + step);
			}
			hooks.log.accept(String.format(Locale.ROOT, "training %s: %,d parameters, %d×%d×%d, %d images (%s); %s",
				o.architecture, unet.parameterCount(), data.channels, side, side, data.count(), data.scaling, o));
			for (final Parameter p : trained)
				p.get().setRequiresGradient(true);

			final int b = o.batch, c = data.channels;
			final Shape shape = new Shape(b, c, side, side);
			double stretch = 0;
			int stretchCount = 0;
			double recent = Double.NaN;
			boolean cancelled = false;
			int badInARow = 0, skipped = 0;
			while (step < o.steps) {
				if (hooks.cancelled.getAsBoolean()) {
					cancelled = true;
					break;
				}
				final Random random = new Random(stepSeed(o.seed, step));
				final float[] x = data.batch(random, b, side, side, o.flips);
				final float[] uniforms = new float[b];
				for (int i = 0; i < b; i++)
					uniforms[i] = random.nextFloat();
				final float[] z = new float[x.length];
				for (int i = 0; i < z.length; i++)
					z[i] = (float) random.nextGaussian();
				final double loss, norm;
				final double lr = adam.learningRate(adam.updates());
				try (NDManager scope = base.newSubManager()) {
					final NDArray xa = scope.create(x, shape);
					final NDArray za = scope.create(z, shape);
					final NDArray sa = scope.create(dsm.sigmas(uniforms));
					final NDArray lossArray;
					try (GradientCollector gc = engine.newGradientCollector()) {
						lossArray = dsm.loss((in, sigma) -> unet.forward(in, sigma, null), xa, sa, za);
						gc.backward(lossArray);
					}
					loss = lossArray.getFloat();
					final Map<String, NDArray> gradients = new LinkedHashMap<>();
					for (final Parameter p : trained) {
						final NDArray g = p.get().getGradient();
						g.attach(scope);
						gradients.put(p.key(), g);
					}
					norm = Adam.globalNorm(trained, gradients);
					final boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
					final boolean gradMode = JniUtils.isGradMode();
					JniUtils.setGradMode(false);
					try {
						if (finite) {
							adam.update(trained, gradients, norm, scope);
							ema.update(trained, scope);
						}
						for (final Parameter p : trained)
							JniUtils.zeroGrad((PtNDArray) p.get());
					}
					finally {
						JniUtils.setGradMode(gradMode);
					}
					if (finite) badInARow = 0;
					else {
						// one bad batch should not end a long run: skip its update (weights, moments and average
						// stay as they were), but stop when it keeps happening
						skipped++;
						hooks.log.accept(String.format(Locale.ROOT, "step %d: loss %s, gradient norm %s; update " +
							"skipped", step + 1, loss, norm));
						if (++badInARow >= MAX_BAD_STEPS) throw new IllegalStateException("the loss or its gradient " +
							"was not finite for " + badInARow + " steps in a row up to step " + (step + 1) +
							" (training diverged; lower the learning rate); the last checkpoint is " + checkpoint);
					}
				}
				final Consumer<NDManager> inspect = afterStep;
				if (inspect != null) inspect.accept(base);
				step++;
				log.add(String.format(Locale.ROOT, "%d\t%.6g\t%.6g\t%.6g\t%.3f", step, loss, lr, norm, (System
					.nanoTime() - start) / 1e9));
				if (Double.isFinite(loss)) {
					stretch += loss;
					stretchCount++;
				}
				if (stretchCount == 50 || step == o.steps && stretchCount > 0) {
					recent = stretch / stretchCount;
					stretch = 0;
					stretchCount = 0;
				}
				hooks.progress.step(step, o.steps, Double.isNaN(recent) ? loss : recent, lr);
				if (step % o.checkpointEvery == 0 || step == o.steps) {
					TrainingCheckpoint.write(checkpoint, unet, ema, adam, step, scheduler, o, log);
					log.clear();
					if (hooks.snapshots && step < o.steps) {
						final Path snapshot = snapshotFolder(output, step);
						PipelineWriter.write(snapshot, config, averaged(ema), scheduler);
						hooks.log.accept("snapshot of the moving average at step " + step + ": " + snapshot);
					}
				}
			}
			if (cancelled) {
				if (stretchCount > 0) recent = stretch / stretchCount;
				TrainingCheckpoint.write(checkpoint, unet, ema, adam, step, scheduler, o, log);
				hooks.log.accept("cancelled at step " + step + "; the checkpoint " + checkpoint + " resumes it (no " +
					"pipeline was written)");
				return new Result(output, step, sigmaMax, recent, true, (System.nanoTime() - start) / 1e9);
			}
			PipelineWriter.write(output, config, averaged(ema), scheduler);
			hooks.log.accept(String.format(Locale.ROOT, "wrote the pipeline (EMA weights after %d steps%s) to %s", step,
				skipped > 0 ? ", " + skipped + " skipped as non-finite" : "", output));
			return new Result(output, step, sigmaMax, recent, false, (System.nanoTime() - start) / 1e9);
		}
		catch (final ModelConfigException | WeightsMismatchException e) {
			throw new ModelFormatException(e.getMessage(), e);
		}
	}

	/** the moving average's weights, copied to the host */
	private static Map<String, HostTensor> averaged(final Ema ema) {
		final Map<String, HostTensor> weights = new LinkedHashMap<>();
		for (final Map.Entry<String, NDArray> e : ema.shadow().entrySet())
			weights.put(e.getKey(), HostTensor.ofFloats(e.getValue().getShape().getShape(), e.getValue()
				.toFloatArray()));
		return weights;
	}
}
