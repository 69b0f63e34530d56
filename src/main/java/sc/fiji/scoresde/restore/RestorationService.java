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
	 * @param images n images (C, H, W) in [0, 1] (colorize: grey, C = 1; upscale: H and W the model's ÷ the factor)
	 * @param height the input images' height (upscale: k times smaller than the results')
	 * @param regenerate inpaint: 1 where pixels are made (H·W, or n·H·W); else null
	 * @return n·K images, K = {@link Restoration.Request#resultsPerImage()}, clamped to [0, 1]; with
	 *         {@link Restoration.Request#uncertainty} also the per-pixel mean and standard deviation of each input's
	 *         posterior draws (clamped as the images are)
	 */
	public static GeneratedImages run(final LoadedModel model, final Restoration.Request request, final float[] images,
		final int n, final int height, final int width, final float[] regenerate, final RunHooks hooks)
	{
		request.validate();
		final UNet2DConfig c = model.unet().config();
		final int factor = request.task == Restoration.Task.UPSCALE ? request.factor : 1;
		if (request.task == Restoration.Task.UPSCALE && c.sampleSize != null && (c.height() != height * factor || c
			.width() != width * factor)) throw new IllegalArgumentException("the image is " + width + "×" + height +
				"; upscaled " + factor + "× it would be " + width * factor + "×" + height * factor + ", but the model " +
				"makes " + c.width() + "×" + c.height() + " images (sample_size in " + model.folder().unetConfigFile +
				"): give a " + c.width() / factor + "×" + c.height() / factor + " image for factor " + factor);
		if (c.sampleSize != null && factor == 1 && (c.height() != height || c.width() != width))
			throw new IllegalArgumentException("the image is " + width + "×" + height + " but the model makes " + c
				.width() + "×" + c.height() + " images (sample_size in " + model.folder().unetConfigFile + "); crop or " +
				"scale it first");
		final int outHeight = height * factor, outWidth = width * factor;
		final int inChannels = request.task == Restoration.Task.COLORIZE ? 1 : c.inChannels;
		if (images.length != (long) n * inChannels * height * width) throw new IllegalArgumentException("the image " +
			"has " + images.length / Math.max(1, (long) n * height * width) + " channel(s); the model needs " + inChannels);
		final SamplerOptions settings = request.particles > 0 ? request.sampler : request.sampler.withFallback(request
			.task.defaults(), "default of " + request.task.label(), hooks.log);
		final int total = n * request.resultsPerImage();
		final int perCall = total * Math.max(1, request.particles);
		final ModelRuntime.Plan plan = new ModelRuntime.Plan().torchNoise(request.seed).memory(outHeight, outWidth,
			perCall, request.particles > 0 ? "the particles" : "the image");
		final int steps = request.particles > 0 ? request.particleSteps() : settings.steps();
		return ModelRuntime.run(model, plan, hooks, run -> {
			run.log(String.format(Locale.ROOT, "%s: %d image(s), %d result(s) each, %s, seed %d, device %s", request.task
				.label(), n, total / n, request.method(), run.seed, run.device()));
			final Restoration.Outcome o = Restoration.run(run.network(), model.schedulerConfig(), request, run.manager,
				images, n, c.inChannels, outHeight, outWidth, regenerate, run.noise, run.control);
			if (request.task == Restoration.Task.DENOISE || request.task == Restoration.Task.EDIT) run.log(String.format(
				Locale.ROOT, "started at sigma %.4g; %d network calls", o.sigmaStart, o.calls));
			if (request.particles > 0) run.log(String.format(Locale.ROOT, "particles: smallest effective sample " +
				"size %.1f of %d, %d resampling(s), %d network calls on %d particles each", o.minEss, request.particles,
				o.weightResamplings, o.calls, total * request.particles));
			final GeneratedImages out = ModelRuntime.asImages(o.images, run, steps);
			if (!request.uncertainty) return out;
			final float[][] m = o.moments(n, true);
			return out.withUncertainty(nhwc(m[0], n, c.inChannels, outHeight, outWidth), nhwc(m[1], n, c.inChannels,
				outHeight, outWidth), n);
		});
	}

	/** (N, C, H, W) planar values → NHWC. */
	static float[] nhwc(final float[] nchw, final int n, final int channels, final int height, final int width) {
		final float[] out = new float[nchw.length];
		final int plane = height * width;
		for (int i = 0; i < n; i++)
			for (int ch = 0; ch < channels; ch++)
				for (int p = 0; p < plane; p++)
					out[(i * plane + p) * channels + ch] = nchw[(i * channels + ch) * plane + p];
		return out;
	}
}
