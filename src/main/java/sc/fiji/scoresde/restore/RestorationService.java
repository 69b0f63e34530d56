package sc.fiji.scoresde.restore;

import java.util.Locale;

import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelRuntime;
import sc.fiji.scoresde.runtime.RunHooks;
import sc.fiji.scoresde.sampling.SamplerOptions;

/** A {@link Restoration} on a loaded pipeline for every front end ({@link ModelRuntime} does seed, lock, clamping). */
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

	/**
	 * 1 inside the rectangle, which must lie in the image: inpaint's region given as x, y, width, height.
	 *
	 * @throws InvalidOptionException when it does not
	 */
	public static float[] rectangle(final int width, final int height, final int x, final int y, final int w,
		final int h)
	{
		if (w < 1 || h < 1 || x < 0 || y < 0 || (long) x + w > width || (long) y + h > height)
			throw new InvalidOptionException("the rectangle x,y,w,h = " + x + "," + y + "," + w + "," + h +
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
	 * @return n·K images, K = {@link Restoration.Request#resultsPerImage()}, clamped to [0, 1]
	 */
	public static GeneratedImages run(final LoadedModel model, final Restoration.Request request, final float[] images,
		final int n, final int height, final int width, final float[] regenerate, final RunHooks hooks)
	{
		request.validate();
		final UNet2DConfig c = model.unet().config();
		if (c.sampleSize != null && (c.height() != height || c.width() != width)) throw new IllegalArgumentException(
			"the image is " + width + "×" + height + " but the model makes " + c.width() + "×" + c.height() +
				" images (sample_size in " + model.folder().unetConfigFile + "); crop or scale it first");
		final int inChannels = request.task == Restoration.Task.COLORIZE ? 1 : c.inChannels;
		if (images.length != (long) n * inChannels * height * width) throw new IllegalArgumentException("the image " +
			"has " + images.length / Math.max(1, (long) n * height * width) + " channel(s); the model needs " + inChannels);
		final SamplerOptions settings = request.sampler.withFallback(request.task.defaults(), "default of " + request
			.task.label(), hooks.log);
		final int total = n * request.resultsPerImage();
		final ModelRuntime.Plan plan = new ModelRuntime.Plan().torchNoise(request.seed).memory(height, width, total,
			"the image");
		return ModelRuntime.images(model, plan, hooks, settings.steps(), run -> {
			run.log(String.format(Locale.ROOT, "%s: %d image(s), %d result(s) each, %s, seed %d, device %s", request.task
				.label(), n, total / n, request.task == Restoration.Task.DENOISE && request.posteriorMean ? "posterior " +
					"mean (Tweedie's formula, 1 network call)" : "sampler " + settings.name() + ", " + settings.steps() +
						" steps", run.seed, run.device()));
			final Restoration.Outcome o = Restoration.run(run.network(), model.schedulerConfig(), request, run.manager,
				images, n, c.inChannels, height, width, regenerate, run.noise, run.control);
			if (request.task == Restoration.Task.DENOISE || request.task == Restoration.Task.EDIT) run.log(String.format(
				Locale.ROOT, "started at sigma %.4g; %d network calls", o.sigmaStart, o.calls));
			return o.images;
		});
	}
}
