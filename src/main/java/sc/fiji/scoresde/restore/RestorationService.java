package sc.fiji.scoresde.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import sc.fiji.scoresde.runtime.BatchSplittingScoreModel;
import sc.fiji.scoresde.runtime.Engines;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.MemoryCheck;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.TorchNoise;

/** Runs a {@link Restoration} on a loaded pipeline, for every front end: seed, generator lock, progress, clamping. */
public final class RestorationService {

	private RestorationService() {}

	/**
	 * The user's image as the model takes it: the grey (R+G+B)/3 plane for colorization; otherwise its own channels,
	 * a grey image repeated for a 3-channel model and an RGB image whose channels are equal given as one channel.
	 */
	public static float[] input(final UserImage image, final Restoration.Task task, final int modelChannels) {
		return task == Restoration.Task.COLORIZE ? image.grey() : asChannels(image, modelChannels);
	}

	/** The image with the model's channels: its own, a grey image repeated for 3, equal RGB channels given as 1. */
	public static float[] asChannels(final UserImage image, final int modelChannels) {
		if (image.channels == modelChannels) return image.chw;
		if (modelChannels == 1 && image.isGrey()) return image.grey();
		if (modelChannels == 3 && image.channels == 1) {
			final float[] out = new float[3 * image.chw.length];
			for (int c = 0; c < 3; c++)
				System.arraycopy(image.chw, 0, out, c * image.chw.length, image.chw.length);
			return out;
		}
		throw new IllegalArgumentException(image.source + " has " + image.channels + " channels with different " +
			"values; the model has " + modelChannels);
	}

	/** 1 inside the rectangle, which must lie in the image: inpaint's region given as x, y, width, height. */
	public static float[] rectangle(final int width, final int height, final int x, final int y, final int w,
		final int h)
	{
		if (w < 1 || h < 1 || x < 0 || y < 0 || (long) x + w > width || (long) y + h > height)
			throw new IllegalArgumentException("the rectangle x,y,w,h = " + x + "," + y + "," + w + "," + h +
				" must lie inside the " + width + "×" + height + " image");
		final float[] out = new float[height * width];
		for (int r = y; r < y + h; r++)
			java.util.Arrays.fill(out, r * width + x, r * width + x + w, 1f);
		return out;
	}

	/** Nonzero pixels of any channel of the mask image are regenerated; it must have the image's size. */
	public static float[] regionOf(final UserImage mask, final UserImage image) {
		if (mask.height != image.height || mask.width != image.width) throw new IllegalArgumentException("the mask " +
			mask.source + " is " + mask.width + "×" + mask.height + ", the image " + image.source + " " + image.width +
			"×" + image.height);
		final int plane = image.height * image.width;
		final float[] out = new float[plane];
		for (int c = 0; c < mask.channels; c++)
			for (int i = 0; i < plane; i++)
				if (mask.chw[c * plane + i] != 0) out[i] = 1;
		return out;
	}

	/**
	 * @param images n images (C, H, W) in [0, 1] (colorize: grey, C = 1)
	 * @param regenerate inpaint: 1 where pixels are made (H·W, or n·H·W); else null
	 * @return n·K images, K = request.sampling.batch (1 for the posterior mean), clamped to [0, 1]
	 */
	public static GeneratedImages run(final LoadedModel model, final Restoration.Request request, final float[] images,
		final int n, final int height, final int width, final float[] regenerate, final GenerationService.Hooks hooks)
	{
		request.validate();
		final UNet2DConfig c = model.unet().config();
		if (c.sampleSize != null && (c.height() != height || c.width() != width)) throw new IllegalArgumentException(
			"the image is " + width + "×" + height + " but the model makes " + c.width() + "×" + c.height() +
				" images (sample_size in " + model.folder().unetConfigFile + "); crop or scale it first");
		final int inChannels = request.task == Restoration.Task.COLORIZE ? 1 : c.inChannels;
		if (images.length != (long) n * inChannels * height * width) throw new IllegalArgumentException("the image " +
			"has " + images.length / Math.max(1, (long) n * height * width) + " channel(s); the model needs " + inChannels);
		final long seed = GenerationService.pickSeed(request.sampling.seed);
		final int total = n * (request.task == Restoration.Task.DENOISE && request.posteriorMean ? 1
			: request.sampling.batch);
		final int perCall = MemoryCheck.imagesPerCall(c, height, width, "the image", total, model.device(), hooks.log);
		final SamplingControl control = new SamplingControl().listener(hooks.progress).cancelledWhen(hooks.cancelled);
		TorchNoise.GENERATOR_LOCK.lock();
		try (NDManager run = NDManager.newBaseManager(model.device(), Engines.PYTORCH)) {
			final TorchNoise noise = new TorchNoise(seed);
			hooks.log.accept(String.format(java.util.Locale.ROOT, "%s: %d image(s), %d result(s) each, sampler %s, %d " +
				"steps, seed %d, device %s", request.task.label(), n, total / n, request.sampling.sampler,
				request.sampling.steps, seed, GenerationService.describe(model.device())));
			final Restoration.Outcome o = Restoration.run(new BatchSplittingScoreModel(model.scoreModel(), perCall,
				hooks.cancelled, hooks.log), model.schedulerConfig(), request, run, images, n, c.inChannels, height, width, regenerate,
				noise, control);
			if (request.task == Restoration.Task.DENOISE || request.task == Restoration.Task.EDIT) hooks.log.accept(
				String.format(java.util.Locale.ROOT, "started at sigma %.4g; %d network calls", o.sigmaStart, o.calls));
			final NDArray out = o.images.clip(0f, 1f);
			return new GeneratedImages(out.transpose(0, 2, 3, 1).toFloatArray(), total, height, width, c.inChannels, seed,
				GenerationService.describe(model.device()), request.sampling.steps);
		}
		finally {
			TorchNoise.GENERATOR_LOCK.unlock();
		}
	}
}
