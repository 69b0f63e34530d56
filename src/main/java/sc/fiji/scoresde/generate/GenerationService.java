package sc.fiji.scoresde.generate;

import sc.fiji.scoresde.runtime.BatchSplittingScoreModel;
import sc.fiji.scoresde.runtime.Engines;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.MemoryCheck;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.sampling.Sampler;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.SamplingCancelledException;
import sc.fiji.scoresde.sampling.SamplingListener;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.TorchNoise;
import sc.fiji.scoresde.sampling.TrajectoryObserver;

/**
 * The one place where a generation runs, for every front end: picks the seed, takes the process-wide torch
 * generator, runs the predictor–corrector sampler on the loaded network and returns NHWC images.
 */
public final class GenerationService {

	/** Optional hooks of one run. */
	public static final class Hooks {

		public SamplingListener progress = SamplingListener.NONE;
		public BooleanSupplier cancelled = () -> false;
		public Consumer<String> log = line -> {};
		public TrajectoryObserver observer;
		/** replaces the loaded network (tests: a score model that fails on purpose) */
		public ScoreModel scoreModel;
	}

	private GenerationService() {}

	public static long pickSeed(final long requested) {
		return requested >= 0 ? requested : new SecureRandom().nextInt(Integer.MAX_VALUE);
	}

	public static GeneratedImages generate(final LoadedModel model, final GenerationRequest request,
		final Hooks hooks)
	{
		request.validate();
		final UNet2DConfig c = model.unet().config();
		if (c.sampleSize == null) throw new IllegalArgumentException(model.folder().unetConfigFile +
			" has no sample_size, so the image size is unknown");
		if (c.inChannels != c.outChannels) throw new IllegalArgumentException(model.folder().unetConfigFile +
			": in_channels " + c.inChannels + " and out_channels " + c.outChannels +
			" differ; a score model must return the shape of its input");
		final Sampler sampler = request.samplerOptions().create(model.schedulerConfig());
		final long seed = pickSeed(request.seed);
		final Shape shape = new Shape(request.batch, c.inChannels, c.height(), c.width());
		final int perCall = MemoryCheck.imagesPerCall(c, c.height(), c.width(), "sample_size in " + model.folder()
			.unetConfigFile, request.batch, model.device(), hooks.log);
		final SamplingControl control = new SamplingControl().listener(hooks.progress).cancelledWhen(hooks.cancelled)
			.observer(hooks.observer);
		acquireGenerator(hooks);
		try (NDManager run = NDManager.newBaseManager(model.device(), Engines.PYTORCH)) {
			hooks.log.accept(String.format("generating %d image(s) %d×%d×%d with sampler %s, %s network calls, seed %d," +
				" snr %s, device %s", request.batch, c.height(), c.width(), c.inChannels, sampler.name(), sampler
					.plannedCalls() < 0 ? "adaptive" : Integer.toString(sampler.plannedCalls()), seed, request.snr != null ? request
					.snr : model.schedulerConfig().snr,
				describe(model.device())));
			final TorchNoise noise = new TorchNoise(seed);
			final ScoreModel network = new BatchSplittingScoreModel(hooks.scoreModel != null ? hooks.scoreModel : model
				.scoreModel(), perCall, hooks.cancelled, hooks.log);
			final NDArray images = sampler.sample(network, run, shape, noise, control).clip(0f, 1f);
			if (sampler.plannedCalls() < 0) hooks.log.accept("the " + sampler.name() + " sampler made " + control
				.calls() + " network calls");
			final float[] nhwc = images.transpose(0, 2, 3, 1).toFloatArray();
			return new GeneratedImages(nhwc, request.batch, c.height(), c.width(), c.inChannels, seed, describe(model
				.device()), request.steps);
		}
		finally {
			TorchNoise.GENERATOR_LOCK.unlock();
		}
	}

	/** "cpu" or "gpu:0". */
	public static String describe(final ai.djl.Device device) {
		return device.isGpu() ? "gpu:" + device.getDeviceId() : device.getDeviceType();
	}

	/** Waits for the process-wide generator, saying so, and gives up when the run is cancelled meanwhile. */
	private static void acquireGenerator(final Hooks hooks) {
		if (TorchNoise.GENERATOR_LOCK.tryLock()) return;
		hooks.log.accept("another generation is running in this JVM; waiting for it to finish " +
			"(libtorch has one random generator per process)");
		try {
			while (!TorchNoise.GENERATOR_LOCK.tryLock(200, TimeUnit.MILLISECONDS)) {
				if (hooks.cancelled.getAsBoolean()) throw new SamplingCancelledException(0, 0);
			}
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new SamplingCancelledException(0, 0);
		}
	}
}
