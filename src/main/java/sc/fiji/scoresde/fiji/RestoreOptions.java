package sc.fiji.scoresde.fiji;

import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.restore.RestorationService;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * The options of Inpaint, Colorize, Super-resolution, Denoise and Guided synthesis (VE)..., shared by the SciJava
 * commands and their menu entries. Keys are the SciJava field names, which are also the first words of the dialog
 * labels, so one macro line works in both. Defaults are those the exact-posterior benchmark favours
 * (docs/bench-inpainting.txt): pc with 3 RePaint resamplings over 125 steps for inpaint, colorize and
 * super-resolution, em with 500 steps for denoise and edit; no particles.
 */
public final class RestoreOptions {

	public static final String KEY_MODEL = "model";
	public static final String KEY_SAMPLER = "sampler";
	public static final String KEY_STEPS = "steps";
	public static final String KEY_SEED = "seed";
	public static final String KEY_SAMPLES = "samples";
	public static final String KEY_DEVICE = "device";
	public static final String KEY_OUTPUT = "output";
	public static final String KEY_RESAMPLE = "resample";
	public static final String KEY_SIGMA = "sigma";
	public static final String KEY_STRENGTH = "strength";
	public static final String KEY_MASK = "mask";
	public static final String KEY_PARTICLES = "particles";
	/** σ_y of the observed values; "noise", since denoise's own noise level is already "sigma" */
	public static final String KEY_NOISE = "noise";
	public static final String KEY_FACTOR = "factor";
	public static final String KEY_UNCERTAINTY = "uncertainty";

	/** inpaint's mask choice in the ImageJ 1 dialog: the image's own selection */
	public static final String MASK_SELECTION = "selection";

	public final Restoration.Task task;
	/** empty: the bundled Fashion-MNIST demo model */
	public String model = "";
	public String sampler;
	public int steps;
	/** −1: pick one */
	public long seed = -1;
	/** results per image; denoise: 0 is Tweedie's posterior mean */
	public int samples;
	public String device = sc.fiji.scoresde.runtime.DeviceChoice.AUTO_NAME;
	public String output = GenerateOptions.OUTPUT_RGB;
	/** inpaint, colorize: RePaint resamplings per step (pc only) */
	public int resample = 3;
	/** denoise: σ_y in [0, 1] units; −1 estimates it from the image */
	public double sigma = -1;
	/** guided synthesis: t0 in (0, 1] */
	public double strength = 0.5;
	/**
	 * inpaint, colorize, super-resolution, denoise: particles per result of the exact posterior sampler (MCGdiff);
	 * 0 runs {@link #sampler}. With particles, {@link #sampler} and {@link #resample} do not apply ({@link #steps} does)
	 */
	public int particles;
	/** inpaint, colorize, super-resolution with particles: σ_y of the observed values in [0, 1] units; 0: exact */
	public double noise;
	/** super-resolution: the input is this many times smaller than the model's images on each side */
	public int factor = Restoration.DEFAULT_FACTOR;
	/** also the per-pixel posterior mean and standard deviation (needs samples ≥ 2) */
	public boolean uncertainty;

	public RestoreOptions(final Restoration.Task task) {
		this.task = task;
		final boolean replacing = replacing(task);
		sampler = replacing ? "pc" : "em";
		steps = replacing ? 125 : 500;
		samples = task == Restoration.Task.DENOISE ? 0 : 1;
	}

	/** inpaint, colorize, super-resolution: the known values replaced in the sampler's loop (resample applies) */
	static boolean replacing(final Restoration.Task task) {
		return task == Restoration.Task.INPAINT || task == Restoration.Task.COLORIZE || task ==
			Restoration.Task.UPSCALE;
	}

	/** The menu label, e.g. "Inpaint (VE)...". */
	public static String title(final Restoration.Task task) {
		switch (task) {
			case INPAINT: return "Inpaint (VE)...";
			case COLORIZE: return "Colorize (VE)...";
			case UPSCALE: return "Super-resolution (VE)...";
			case DENOISE: return "Denoise (VE)...";
			default: return "Guided synthesis (VE)...";
		}
	}

	public String title() {
		return title(task);
	}

	/** The title without the dots, e.g. "Inpaint (VE)": dialog, messages, result windows. */
	public String name() {
		return title().replace("...", "");
	}

	/** Checks every option before anything is loaded; the message names the command, the option and the value. */
	public void validate() {
		final int minSamples = task == Restoration.Task.DENOISE ? 0 : 1;
		if (samples < minSamples || samples > 4096) throw bad(KEY_SAMPLES, samples, "between " + minSamples +
			" and 4096" + (minSamples == 0 ? " (0: the posterior mean)" : ""));
		if (!GenerateOptions.OUTPUT_RGB.equals(output) && !GenerateOptions.OUTPUT_FLOAT.equals(output)) throw bad(
			KEY_OUTPUT, output, "'" + GenerateOptions.OUTPUT_RGB + "' or '" + GenerateOptions.OUTPUT_FLOAT + "'");
		if (resample < 0 || resample > 100) throw bad(KEY_RESAMPLE, resample, "between 0 and 100");
		if (task == Restoration.Task.DENOISE && !(sigma == -1 || sigma > 0 && Double.isFinite(sigma))) throw bad(
			KEY_SIGMA, sigma, "-1 (estimate it from the image) or a number > 0 in the [0, 1] range of the image");
		if (particles < 0 || particles > Restoration.MAX_PARTICLES) throw bad(KEY_PARTICLES, particles, "between 0 " +
			"(the sampler chosen) and " + Restoration.MAX_PARTICLES);
		if (!(noise >= 0 && Double.isFinite(noise))) throw bad(KEY_NOISE, noise, "0 (the observed values are exact) " +
			"or the standard deviation of their noise, > 0 in the [0, 1] range of the image");
		if (noise > 0 && particles == 0) throw bad(KEY_NOISE, noise, "0 without particles: replacement takes the " +
			"observed values as exact; give particles (e.g. 100) to sample with noisy ones");
		if (task == Restoration.Task.UPSCALE && (factor < 2 || factor > Restoration.MAX_FACTOR)) throw bad(KEY_FACTOR,
			factor, "between 2 and " + Restoration.MAX_FACTOR + " (the image is that many times smaller than the " +
				"model's on each side)");
		if (task == Restoration.Task.DENOISE && particles > 0 && samples == 0) throw bad(KEY_SAMPLES, samples,
			"1 or more with particles (0 is Tweedie's posterior mean, which takes no particles)");
		if (uncertainty && samples < 2) throw bad(KEY_SAMPLES, samples, "2 or more with uncertainty: the per-pixel " +
			"standard deviation comes from independent samples");
		if (!sc.fiji.scoresde.runtime.ModelLocator.isAcceptable(model)) throw bad(KEY_MODEL, model,
			"an existing pipeline folder, UNet folder or weights file, a Hugging Face model id, or empty for the " +
				"bundled Fashion-MNIST model");
		try {
			sc.fiji.scoresde.runtime.DeviceChoice.parse(device);
		}
		catch (final IllegalArgumentException e) {
			throw bad(KEY_DEVICE, device, "one of " + String.join(", ", sc.fiji.scoresde.runtime.DeviceChoice.NAMES));
		}
		try {
			request().validate();
		}
		catch (final IllegalArgumentException e) {
			throw new IllegalArgumentException(prefix() + e.getMessage(), e);
		}
	}

	private String prefix() {
		return name() + ": ";
	}

	private IllegalArgumentException bad(final String key, final Object value, final String expected) {
		return new IllegalArgumentException(prefix() + "option '" + key + "' is " + (value instanceof String ? "'" +
			value + "'" : String.valueOf(value)) + "; expected " + expected);
	}

	public Restoration.Request request() {
		final Restoration.Request r = new Restoration.Request();
		r.task = task;
		r.sampler.name = sampler;
		r.sampler.steps = steps;
		r.seed = sc.fiji.scoresde.generate.GenerationRequest.optionalSeed(seed);
		r.batch = Math.max(1, samples);
		r.resamplings = replacing(task) && "pc".equals(sampler) ? resample : 0;
		r.sigma = task == Restoration.Task.DENOISE && sigma != -1 ? sigma : null;
		r.posteriorMean = task == Restoration.Task.DENOISE && samples == 0;
		r.strength = strength;
		r.particles = particles;
		if (particles > 0) {
			// the dialog always holds a sampler and a resample count; with particles MCGdiff runs instead (logged)
			r.sampler.name = null;
			r.resamplings = 0;
		}
		r.observationNoise = noise;
		if (task == Restoration.Task.UPSCALE) r.factor = factor;
		r.uncertainty = uncertainty;
		return r;
	}

	public boolean floatOutput() {
		return GenerateOptions.OUTPUT_FLOAT.equals(output);
	}

	/** "sampler pc" or "particle sampler (MCGdiff), 4 particles": the log line's words. */
	public String method() {
		return particles > 0 ? "particle sampler (MCGdiff), " + particles + " particles" : "sampler " + sampler;
	}

	public sc.fiji.scoresde.runtime.DeviceChoice deviceChoice() {
		return sc.fiji.scoresde.runtime.DeviceChoice.parse(device);
	}

	/**
	 * Runs the task on one input image (inpaint: {@code region} is 1 where pixels are made); what the SciJava
	 * commands and the ImageJ 1 menu entries both call.
	 */
	public GeneratedImages run(final LoadedModel model, final UserImage input, final float[] region,
		final GenerationService.Hooks hooks)
	{
		final float[] pixels = RestorationService.input(input, task, model.unet().config().inChannels);
		return RestorationService.run(model, request(), pixels, 1, input.height, input.width, region, hooks);
	}
}
