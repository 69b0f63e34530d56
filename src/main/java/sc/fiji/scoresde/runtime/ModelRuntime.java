package sc.fiji.scoresde.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import sc.fiji.scoresde.hub.HubClient;
import sc.fiji.scoresde.sampling.NoiseSource;
import sc.fiji.scoresde.sampling.SamplingCancelledException;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.TorchNoise;

/**
 * The one way a task runs on a model, for every front end and task: locate → load (cached) → pick the seed → take
 * the process's torch generator (cancellable) → memory check → the task's own sampling → clip, the whole job on the
 * engine thread ({@link EngineThread}). Generation, restoration, likelihood and interpolation supply only their
 * sampling call ({@link Job}).
 */
public final class ModelRuntime {

	/** What the runtime prepares for a job before running it. */
	public static final class Plan {

		Long seed;
		boolean pickSeed;
		boolean torchNoise;
		int height, width, images;
		String what;

		/** The job draws noise from libtorch's generator seeded with this seed (null: pick one, and report it). */
		public Plan torchNoise(final Long seed) {
			this.seed = seed;
			this.pickSeed = true;
			this.torchNoise = true;
			return this;
		}

		/** The job uses its own random numbers seeded with this seed (null: pick one, and report it). */
		public Plan seed(final Long seed) {
			this.seed = seed;
			this.pickSeed = true;
			return this;
		}

		/**
		 * Network calls take {@code images} height×width images: refused before anything is allocated when not even
		 * one fits, split into calls of fewer images when the batch does not fit.
		 *
		 * @param what names the input in messages, e.g. "the image", "sample_size in /m/unet/config.json"
		 */
		public Plan memory(final int height, final int width, final int images, final String what) {
			this.height = height;
			this.width = width;
			this.images = images;
			this.what = what;
			return this;
		}
	}

	/** One prepared run, as the job sees it. */
	public static final class Run {

		public final LoadedModel model;
		/** the seed picked or given (0 when the plan has none) */
		public final long seed;
		/** owns the run's arrays; closed when the job returns */
		public final NDManager manager;
		/** progress and cancel of the hooks; counts the network calls */
		public final SamplingControl control;
		/** torch noise from the seed; null unless the plan asked for it */
		public final NoiseSource noise;
		public final RunHooks hooks;
		private final int imagesPerCall;

		Run(final LoadedModel model, final long seed, final NDManager manager, final SamplingControl control,
			final NoiseSource noise, final RunHooks hooks, final int imagesPerCall)
		{
			this.model = model;
			this.seed = seed;
			this.manager = manager;
			this.control = control;
			this.noise = noise;
			this.hooks = hooks;
			this.imagesPerCall = imagesPerCall;
		}

		/** The network (or the hooks' replacement), in calls that fit the device's memory. */
		public ScoreModel network() {
			final ScoreModel score = hooks.scoreModel != null ? hooks.scoreModel : model.scoreModel();
			return imagesPerCall > 0 ? new BatchSplittingScoreModel(score, imagesPerCall, hooks.cancelled, hooks.log)
				: score;
		}

		public void log(final String line) {
			hooks.log.accept(line);
		}

		/** "cpu" or "gpu:0" */
		public String device() {
			return describe(model.device());
		}
	}

	/** A task's own sampling on a prepared run. */
	@FunctionalInterface
	public interface Job<T> {

		T run(Run run);
	}

	/** one run at a time: taken by the caller, before the job goes to the engine thread */
	private static final ReentrantLock TURN = new ReentrantLock(true);

	private ModelRuntime() {}

	/**
	 * The model the user named (empty: the bundled one; a folder, a file or a hub id), on the device asked for,
	 * loaded on the engine thread once per process and kept ({@link ModelCache}): never close it.
	 */
	public static LoadedModel open(final String model, final DeviceChoice device, final HubClient.Progress download,
		final Consumer<String> log) throws IOException
	{
		return load(ModelLocator.locate(model, download, log), device, log);
	}

	/** {@link #open} for a located model. */
	public static LoadedModel load(final Path path, final DeviceChoice device, final Consumer<String> log)
		throws IOException
	{
		return onEngine(() -> ModelCache.get(path, device.resolve(log), log), log);
	}

	/** {@link #load} on a device already resolved. */
	public static LoadedModel load(final Path path, final Device device, final Consumer<String> log)
		throws IOException
	{
		return onEngine(() -> ModelCache.get(path, device, log), log);
	}

	/** Closes every model of the cache (tests). */
	public static void closeCachedModels() {
		EngineThread.get(() -> {
			ModelCache.clear();
			return null;
		});
	}

	public static long pickSeed(final Long requested) {
		return requested != null ? requested : new SecureRandom().nextInt(Integer.MAX_VALUE);
	}

	/** "cpu" or "gpu:0". */
	public static String describe(final Device device) {
		return device.isGpu() ? "gpu:" + device.getDeviceId() : device.getDeviceType();
	}

	/**
	 * Runs the job on the model as the plan says, on the engine thread; returns what the job returns. A run started
	 * while another is going on waits for its turn, saying so, and gives up when cancelled meanwhile.
	 */
	public static <T> T run(final LoadedModel model, final Plan plan, final RunHooks hooks, final Job<T> job) {
		if (EngineThread.isCurrent()) return prepared(model, plan, hooks, job);
		waitFor(TURN, hooks, "another run of a model is going on in this JVM; waiting for it to finish (the process " +
			"runs one at a time)");
		try {
			return EngineThread.get(() -> prepared(model, plan, hooks, job));
		}
		finally {
			TURN.unlock();
		}
	}

	private static <T> T prepared(final LoadedModel model, final Plan plan, final RunHooks hooks, final Job<T> job) {
		if (hooks.cancelled.getAsBoolean()) throw new SamplingCancelledException(0, 0);
		final long seed = plan.pickSeed ? pickSeed(plan.seed) : 0;
		if (plan.torchNoise) waitFor(TorchNoise.GENERATOR_LOCK, hooks, "another generation is running in this JVM; " +
			"waiting for it to finish (libtorch has one random generator per process)");
		try {
			final int perCall = plan.images > 0 ? MemoryCheck.imagesPerCall(model.unet().config(), plan.height,
				plan.width, plan.what, plan.images, model.device(), hooks.log) : 0;
			final SamplingControl control = new SamplingControl().listener(hooks.progress).cancelledWhen(
				hooks.cancelled).observer(hooks.observer);
			try (NDManager manager = NDManager.newBaseManager(model.device(), Engines.PYTORCH)) {
				final NoiseSource noise = plan.torchNoise ? new TorchNoise(seed) : null;
				return job.run(new Run(model, seed, manager, control, noise, hooks, perCall));
			}
		}
		finally {
			if (plan.torchNoise) TorchNoise.GENERATOR_LOCK.unlock();
		}
	}

	/**
	 * {@link #run} for a job that makes images (N, C, H, W): they come back clamped to [0, 1] as NHWC floats, with
	 * the seed and device.
	 *
	 * @param steps what the images record as the run's steps
	 */
	public static GeneratedImages images(final LoadedModel model, final Plan plan, final RunHooks hooks,
		final int steps, final Job<NDArray> job)
	{
		return run(model, plan, hooks, r -> asImages(job.run(r), r, steps));
	}

	/** Images (N, C, H, W) of a run, clamped to [0, 1], as NHWC floats with the run's seed and device. */
	public static GeneratedImages asImages(final NDArray images, final Run r, final int steps) {
		final NDArray out = images.clip(0f, 1f);
		final long[] s = out.getShape().getShape();
		return new GeneratedImages(out.transpose(0, 2, 3, 1).toFloatArray(), (int) s[0], (int) s[2], (int) s[3],
			(int) s[1], r.seed, r.device(), steps);
	}

	/**
	 * Takes the lock, saying so when it has to wait, and gives up when the run is cancelled meanwhile. The torch
	 * generator is taken on the engine thread, so only a thread outside the runtime (a test, a benchmark) can hold it
	 * then; the turn is taken by the caller, so that a run waiting for another can still be cancelled.
	 */
	private static void waitFor(final ReentrantLock lock, final RunHooks hooks, final String waiting) {
		if (lock.tryLock()) return;
		hooks.log.accept(waiting);
		try {
			while (!lock.tryLock(200, TimeUnit.MILLISECONDS)) {
				if (hooks.cancelled.getAsBoolean()) throw new SamplingCancelledException(0, 0);
			}
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new SamplingCancelledException(0, 0);
		}
	}

	/** Loads wait for their turn too, so that a load behind a long run says why nothing happens. */
	private static <T> T onEngine(final Callable<T> job, final Consumer<String> log) throws IOException {
		final boolean turn = !EngineThread.isCurrent();
		if (turn) {
			final RunHooks hooks = new RunHooks();
			hooks.log = log;
			waitFor(TURN, hooks, "another run of a model is going on in this JVM; loading the model when it " +
				"finishes (the process runs one at a time)");
		}
		try {
			return EngineThread.call(job);
		}
		catch (final IOException | RuntimeException e) {
			throw e;
		}
		catch (final Exception e) {
			throw new IllegalStateException(e);
		}
		finally {
			if (turn) TURN.unlock();
		}
	}
}
