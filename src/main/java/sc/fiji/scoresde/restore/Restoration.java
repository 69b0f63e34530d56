package sc.fiji.scoresde.restore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Locale;
import java.util.SplittableRandom;

import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.sampling.Conditioning;
import sc.fiji.scoresde.sampling.LinearObservation;
import sc.fiji.scoresde.sampling.McgDiffSampler;
import sc.fiji.scoresde.sampling.NoiseSource;
import sc.fiji.scoresde.sampling.Sampler;
import sc.fiji.scoresde.sampling.SamplerOptions;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.SchedulerConfig;
import sc.fiji.scoresde.sampling.TorchNoise;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.VeSde;

/**
 * The score model applied to the user's images, with no retraining (Song et al. 2021 §5 and appendix I; SDEdit):
 * inpainting, colorization and super-resolution (k×k block means) by replacement in the sampler's loop, denoising
 * of Gaussian noise of known σ_y by Tweedie's formula (one call) or by sampling from σ_y down, and guided synthesis
 * from the image perturbed to σ(t0). With {@link Request#particles} the four tasks that observe y = A·x (+ noise)
 * sample the exact posterior instead ({@link McgDiffSampler}). Works on any {@link ScoreModel}, so the exact
 * Gaussian-mixture score tests every method.
 */
public final class Restoration {

	public enum Task {
		INPAINT("pc", REPLACING_STEPS), COLORIZE("pc", REPLACING_STEPS), DENOISE("em", PERTURBING_STEPS), EDIT("em",
			PERTURBING_STEPS), UPSCALE("pc", REPLACING_STEPS);

		/** the sampler and steps when the user gives none */
		public final String defaultSampler;
		public final int defaultSteps;

		Task(final String defaultSampler, final int defaultSteps) {
			this.defaultSampler = defaultSampler;
			this.defaultSteps = defaultSteps;
		}

		public String label() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** Whether the task observes y = A·x (+ noise), so that the particle sampler applies. */
		public boolean observes() {
			return this != EDIT;
		}

		/** The task's default sampler settings, as a fallback for those the user does not give. */
		public SamplerOptions defaults() {
			final SamplerOptions o = new SamplerOptions();
			o.name = defaultSampler;
			o.steps = defaultSteps;
			return o;
		}
	}

	/** inpaint and colorize: 125 pc steps with {@link #DEFAULT_RESAMPLINGS} RePaint resamplings are 994 calls */
	public static final int REPLACING_STEPS = 125;
	/** denoise and edit (em) */
	public static final int PERTURBING_STEPS = 500;
	/** RePaint resamplings of inpaint and colorize (pc only): the better on the exact benchmark */
	public static final int DEFAULT_RESAMPLINGS = 3, MAX_RESAMPLINGS = 100;
	/** edit's t0 */
	public static final String DEFAULT_STRENGTH = "0.5";
	public static final int MAX_BATCH = 4096;
	/** the particle sampler's σ levels when the user gives no steps */
	public static final int PARTICLE_STEPS = 100;
	public static final int MAX_PARTICLES = 4096;
	/** upscale's k when none is given */
	public static final int DEFAULT_FACTOR = 2, MAX_FACTOR = 16;

	/** One task's settings. */
	public static final class Request {

		public Task task = Task.INPAINT;
		/** not given settings: the task's defaults ({@link Task#defaultSampler}, {@link Task#defaultSteps}) */
		public SamplerOptions sampler = new SamplerOptions();
		/** seed of the noise; null picks one */
		public Long seed;
		/** results (posterior samples) per input image; the posterior mean is one */
		public int batch = 1;
		/** inpaint, colorize: RePaint resamplings per step (pc sampler only); 0 is the paper's replacement */
		public int resamplings;
		/** denoise: σ_y of the noise; null estimates it from the image ({@link NoiseLevel}) */
		public Double sigma;
		/** denoise: Tweedie's posterior mean (one call) instead of posterior samples */
		public boolean posteriorMean;
		/** edit: t0 ∈ (0, 1], the share of the SDE's time the image is perturbed to */
		public double strength = Double.parseDouble(DEFAULT_STRENGTH);
		/**
		 * inpaint, colorize, upscale, denoise: particles per result of the exact posterior sampler
		 * ({@link McgDiffSampler}); 0 runs the task's replacing or perturbing sampler instead
		 */
		public int particles;
		/** upscale: the input is this many times smaller than the model's images on each side */
		public int factor = DEFAULT_FACTOR;
		/**
		 * inpaint, colorize, upscale with particles: σ_y of the noise on the observed values, in the [0, 1] range;
		 * 0: exact
		 */
		public double observationNoise;
		/** also return the per-pixel posterior mean and standard deviation (from particles or from the samples) */
		public boolean uncertainty;

		/** The sampler settings that run: the given ones, the task's defaults for the others. */
		public SamplerOptions samplerSettings() {
			return sampler.withFallback(task.defaults(), "default of " + task.label(), line -> {});
		}

		/** The particle sampler's σ levels: the given steps, else {@link #PARTICLE_STEPS}. */
		public int particleSteps() {
			return sampler.steps != null ? sampler.steps : PARTICLE_STEPS;
		}

		/** What runs, in words, for the log. */
		public String method() {
			if (task == Task.DENOISE && posteriorMean) return "posterior mean (Tweedie's formula, 1 network call)";
			if (particles > 0) return "particle sampler (MCGdiff), " + particles + " particles, " + particleSteps() +
				" steps" + (observationNoise > 0 ? ", sigma_y " + observationNoise : "");
			final SamplerOptions s = samplerSettings();
			return "sampler " + s.name() + ", " + s.steps() + " steps";
		}

		/** Results per input image: 1 for the posterior mean, else {@link #batch}. */
		public int resultsPerImage() {
			return task == Task.DENOISE && posteriorMean ? 1 : batch;
		}

		/** @throws InvalidOptionException naming the option, its value and the accepted range */
		public void validate() {
			if (batch < 1 || batch > MAX_BATCH) throw new InvalidOptionException("batch " + batch + " must be between " +
				"1 and " + MAX_BATCH);
			if (seed != null && (seed < 0 || seed > TorchNoise.MAX_SEED)) throw new InvalidOptionException("seed " +
				seed + " must be between 0 and " + TorchNoise.MAX_SEED + " (or not given: pick one)");
			sampler.validate();
			final SamplerOptions s = samplerSettings();
			if (resamplings < 0 || resamplings > MAX_RESAMPLINGS) throw new InvalidOptionException("resamplings " +
				resamplings + " must be between 0 and " + MAX_RESAMPLINGS);
			if (resamplings > 0 && !"pc".equals(s.name)) throw new InvalidOptionException(
				"resampling is done by the pc sampler only, not by " + s.name);
			if (resamplings > 0 && task != Task.INPAINT && task != Task.COLORIZE && task != Task.UPSCALE)
				throw new InvalidOptionException("resampling applies to inpaint, colorize and upscale only");
			if (sigma != null && !(sigma > 0 && Double.isFinite(sigma))) throw new InvalidOptionException(
				"noise sigma " + sigma + " must be a finite number > 0");
			if (task == Task.DENOISE && !posteriorMean && !s.isStochastic()) throw new InvalidOptionException(
				"denoising samples need a stochastic sampler (pc, em, ancestral, reverse-diffusion, ald or heun with " +
					"churn): " + s.name + " maps the noisy image to one image, not to samples of the posterior; ask " +
					"for the posterior mean instead");
			if (task == Task.EDIT && !(strength > 0 && strength <= 1)) throw new InvalidOptionException("strength " +
				strength + " must be in (0, 1]");
			if (particles < 0 || particles > MAX_PARTICLES) throw new InvalidOptionException("particles " + particles +
				" must be between 0 (no particle sampler) and " + MAX_PARTICLES);
			if (particles > 0) {
				if (!task.observes()) throw new InvalidOptionException("the particle sampler samples the posterior " +
					"given an observation; " + task.label() + " has none (use inpaint, colorize, upscale or denoise)");
				if (sampler.name != null) throw new InvalidOptionException("with particles the sampler is MCGdiff " +
					"(ancestral steps); leave the sampler (" + sampler.name + ") out; steps still apply");
				if (resamplings > 0) throw new InvalidOptionException("RePaint resampling belongs to replacement; the " +
					"particle sampler resamples by its weights: leave resampling out (or 0) with particles");
				if (task == Task.DENOISE && posteriorMean) throw new InvalidOptionException("denoising's posterior " +
					"mean is Tweedie's formula; particles draw posterior samples: ask for samples");
				if (particleSteps() < 2) throw new InvalidOptionException("the particle sampler needs at least 2 " +
					"steps, not " + particleSteps());
			}
			if (!(observationNoise >= 0 && Double.isFinite(observationNoise))) throw new InvalidOptionException(
				"the observation noise sigma_y " + observationNoise + " must be a finite number ≥ 0");
			if (observationNoise > 0 && task == Task.DENOISE) throw new InvalidOptionException("denoise takes its " +
				"noise as sigma, not as sigma_y");
			if (observationNoise > 0 && particles == 0) throw new InvalidOptionException("replacement takes the " +
				"observed values as exact; an observation with noise sigma_y " + observationNoise + " needs the " +
				"particle sampler (give a number of particles)");
			if (task == Task.UPSCALE && (factor < 2 || factor > MAX_FACTOR)) throw new InvalidOptionException(
				"the upscaling factor " + factor + " must be between 2 and " + MAX_FACTOR);
			if (uncertainty && resultsPerImage() < 2) throw new InvalidOptionException("a per-pixel standard " +
				"deviation needs several independent draws of the posterior: ask for 2 or more results per image (the " +
				"particles of one run descend from a few ancestors after resampling, so their spread alone understates " +
				"the posterior's)");
		}
	}

	/** What a run did, besides its images. */
	public static final class Outcome {

		/** (n·K, C, H, W): K samples per input image, image by image */
		public final NDArray images;
		/** denoise: the σ_y used; edit: σ(t0); otherwise the sampler's σmax */
		public final double sigmaStart;
		public final int calls;
		/**
		 * The weighted draws of the posterior behind the per-pixel moments, image by image, and their weights
		 * (relative within each input image's draws): the particles of the particle sampler, else the K samples with
		 * equal weights
		 */
		public final NDArray draws;
		public final double[] weights;
		/** particle sampler: its smallest effective sample size and how often it resampled; else NaN and 0 */
		public final double minEss;
		public final int weightResamplings;

		Outcome(final NDArray images, final double sigmaStart, final int calls) {
			this(images, sigmaStart, calls, images, null, Double.NaN, 0);
		}

		Outcome(final NDArray images, final double sigmaStart, final int calls, final NDArray draws,
			final double[] weights, final double minEss, final int weightResamplings)
		{
			this.images = images;
			this.sigmaStart = sigmaStart;
			this.calls = calls;
			this.draws = draws;
			final long count = draws.getShape().get(0);
			if (weights == null) {
				this.weights = new double[(int) count];
				java.util.Arrays.fill(this.weights, 1);
			}
			else this.weights = weights;
			this.minEss = minEss;
			this.weightResamplings = weightResamplings;
		}

		/**
		 * The weighted per-pixel mean and standard deviation of the draws for each of the n input images, (n·C·H·W)
		 * each; with {@code clamp} the draws are first clamped to [0, 1], as the images the user gets.
		 */
		public float[][] moments(final int n, final boolean clamp) {
			final float[] all = draws.toFloatArray();
			if (clamp) for (int i = 0; i < all.length; i++)
				all[i] = Math.min(1f, Math.max(0f, all[i]));
			final int count = weights.length / n, d = all.length / weights.length;
			final float[] mean = new float[n * d], std = new float[n * d];
			for (int i = 0; i < n; i++) {
				final double[] w = java.util.Arrays.copyOfRange(weights, i * count, (i + 1) * count);
				double total = 0;
				for (final double v : w)
					total += v;
				for (int p = 0; p < count; p++)
					w[p] /= total;
				final double[][] m = McgDiffSampler.moments(java.util.Arrays.copyOfRange(all, i * count * d, (i + 1) *
					count * d), w);
				for (int j = 0; j < d; j++) {
					mean[i * d + j] = (float) m[0][j];
					std[i * d + j] = (float) m[1][j];
				}
			}
			return new float[][] { mean, std };
		}

	}

	private Restoration() {}

	/** σ(t0) = σmin·(σmax/σmin)^t0. */
	public static double editSigma(final SchedulerConfig config, final double strength) {
		return new VeSde(config.sigmaMin, config.sigmaMax, config.samplingEps).sigma(strength);
	}

	/**
	 * @param images n images, planar (C, H, W) each, in the model's [0, 1] range (denoise: the noisy images as they
	 *          are); colorize takes 1-channel grey images and a 3-channel model
	 * @param regenerate inpaint only: 1 where pixels are to be made, 0 where known; H·W values for all images or n·H·W
	 * @param channels the model's channel count (that of the images except for colorize)
	 */
	public static Outcome run(final ScoreModel model, final SchedulerConfig config, final Request request,
		final NDManager manager, final float[] images, final int n, final int channels, final int height,
		final int width, final float[] regenerate, final NoiseSource noise, final SamplingControl control)
	{
		request.validate();
		final int k = request.resultsPerImage();
		final int plane = height * width;
		final int inChannels = request.task == Task.COLORIZE ? 1 : channels;
		if (request.task == Task.COLORIZE && channels != 3) throw new IllegalArgumentException("colorization needs " +
			"a 3-channel (RGB) model; this model has " + channels + " channel" + (channels == 1 ? "" : "s"));
		final int factor = request.task == Task.UPSCALE ? request.factor : 1;
		if (height % factor != 0 || width % factor != 0) throw new IllegalArgumentException("the model's " + width +
			"×" + height + " images cannot be split into " + factor + "×" + factor + " blocks");
		final int inPlane = plane / (factor * factor);
		if (images.length != (long) n * inChannels * inPlane) throw new IllegalArgumentException(images.length +
			" values are not " + n + " image(s) of " + inChannels + "×" + height / factor + "×" + width / factor);
		for (final float v : images)
			if (!Float.isFinite(v)) throw new IllegalArgumentException("the image has NaN or infinite pixels; " +
				"replace them (e.g. by the inpainting mask) before running " + request.task.label());
		final Shape shape = new Shape((long) n * k, channels, height, width);
		if (request.particles > 0) return particles(model, config, request, manager, images, n, channels, height,
			width, regenerate, noise, control);
		switch (request.task) {
			case UPSCALE: {
				final PoolingBasis basis = new PoolingBasis(factor);
				final float[] coordinates = new float[n * channels * plane];
				for (int i = 0; i < n; i++) {
					final float[] small = java.util.Arrays.copyOfRange(images, i * channels * inPlane, (i + 1) * channels *
						inPlane);
					System.arraycopy(basis.knownCoordinates(small, channels, height, width), 0, coordinates, i * channels *
						plane, channels * plane);
				}
				final Replacement r = new Replacement(basis, repeat(coordinates, n, k, channels * plane), shape, basis.mask(
					height, width), new Shape(1, 1, height, width), request.resamplings);
				return sample(model, config, request, manager, shape, noise, control, r, config.sigmaMax);
			}
			case INPAINT: {
				final float[] mask = knownMask(regenerate, n, plane);
				final float[] known = repeat(images, n, k, channels * plane);
				final Replacement r = new Replacement(Basis.PIXELS, known, shape, repeat(mask, n, k, plane), new Shape(
					(long) n * k, 1, height, width), request.resamplings);
				return sample(model, config, request, manager, shape, noise, control, r, config.sigmaMax);
			}
			case COLORIZE: {
				final float[] coordinates = new float[n * 3 * plane];
				for (int i = 0; i < n; i++) {
					final float[] grey = new float[plane];
					System.arraycopy(images, i * plane, grey, 0, plane);
					System.arraycopy(ColourBasis.greyCoordinates(grey, plane), 0, coordinates, i * 3 * plane, 3 * plane);
				}
				final float[] mask = new float[3 * plane];
				java.util.Arrays.fill(mask, 0, plane, 1f);
				final Replacement r = new Replacement(ColourBasis.INSTANCE, repeat(coordinates, n, k, 3 * plane), shape,
					mask, new Shape(1, 3, height, width), request.resamplings);
				return sample(model, config, request, manager, shape, noise, control, r, config.sigmaMax);
			}
			case DENOISE: {
				final double sigma = request.sigma != null ? request.sigma : NoiseLevel.estimate(images, n * channels,
					height, width);
				if (!(sigma > config.sigmaMin)) throw new IllegalArgumentException(String.format(Locale.ROOT,
					"noise sigma %.4g is not above the model's sigma_min %.4g: the image is as clean as the model " +
						"can tell", sigma, config.sigmaMin));
				if (sigma > config.sigmaMax) throw new IllegalArgumentException(String.format(Locale.ROOT,
					"noise sigma %.4g is above the model's sigma_max %.4g", sigma, config.sigmaMax));
				if (request.posteriorMean) {
					final Shape one = new Shape(n, channels, height, width);
					final NDArray x = manager.create(images, one);
					final NDArray mean = control.tweedie(model, x, (float) sigma);
					return new Outcome(mean, sigma, control.calls());
				}
				final StartingPoint start = StartingPoint.noisyImage(repeat(images, n, k, channels * plane), shape);
				return sample(model, config, request, manager, shape, noise, control, start, sigma);
			}
			default: {
				final double sigma = editSigma(config, request.strength);
				if (request.strength == 1) return sample(model, config, request, manager, shape, noise, control,
					Conditioning.NONE, config.sigmaMax);
				final StartingPoint start = StartingPoint.perturbedImage(repeat(images, n, k, channels * plane), shape);
				return sample(model, config, request, manager, shape, noise, control, start, sigma);
			}
		}
	}

	/**
	 * The particle sampler: K runs of N particles per input image (one observation each), one particle per run drawn
	 * by weight as that run's result, and all K·N weighted particles of an image as the draws behind its moments.
	 */
	private static Outcome particles(final ScoreModel model, final SchedulerConfig config, final Request request,
		final NDManager manager, final float[] images, final int n, final int channels, final int height,
		final int width, final float[] regenerate, final NoiseSource noise, final SamplingControl control)
	{
		final int k = request.resultsPerImage(), plane = height * width;
		final LinearObservation observation;
		double sigmaY = request.observationNoise;
		float[] y = images;
		switch (request.task) {
			case INPAINT: {
				final float[] known = knownMask(regenerate, n, plane);
				for (int i = 1; i < n; i++)
					for (int j = 0; j < plane; j++)
						if (known[i * plane + j] != known[j]) throw new IllegalArgumentException("the particle sampler " +
							"takes one mask for all images; image " + (i + 1) + " has another");
				observation = LinearObservation.knownPixels(java.util.Arrays.copyOf(known, plane), channels, height, width);
				break;
			}
			case COLORIZE:
				observation = LinearObservation.grey(channels, height, width);
				break;
			case UPSCALE:
				observation = LinearObservation.pooling(request.factor, channels, height, width);
				break;
			default: {
				sigmaY = request.sigma != null ? request.sigma : NoiseLevel.estimate(images, n * channels, height, width);
				if (!(sigmaY > config.sigmaMin)) throw new IllegalArgumentException(String.format(Locale.ROOT,
					"noise sigma %.4g is not above the model's sigma_min %.4g: the image is as clean as the model " +
						"can tell", sigmaY, config.sigmaMin));
				observation = LinearObservation.allPixels(channels, height, width);
			}
		}
		final Shape observed = observation.observedShape();
		final NDArray yArray = manager.create(repeat(y, n, k, (int) observed.size()), new Shape((long) n * k, observed
			.get(0), observed.get(1), observed.get(2)));
		// the resampling offsets and the pick of each result come from the run's noise, so its seed fixes them too
		final float[] seedBits = noise.normal(manager, new Shape(2)).toFloatArray();
		final SplittableRandom random = new SplittableRandom(((long) Float.floatToIntBits(seedBits[0]) << 32) ^
			Float.floatToIntBits(seedBits[1]));
		final McgDiffSampler sampler = new McgDiffSampler(VeSde.of(config), request.particleSteps(), request.particles);
		final McgDiffSampler.Result r = sampler.sample(model, manager, observation, yArray, sigmaY, new Shape(channels,
			height, width), noise, random, control);
		final int count = request.particles;
		final long[] picked = new long[n * k];
		for (int g = 0; g < n * k; g++) {
			final double u = random.nextDouble();
			double cumulative = 0;
			int p = 0;
			for (; p < count - 1; p++) {
				cumulative += r.weights[g * count + p];
				if (u < cumulative) break;
			}
			picked[g] = (long) g * count + p;
		}
		final NDArray chosen = r.particles.get(new ai.djl.ndarray.index.NDIndex("{}", manager.create(picked)));
		return new Outcome(chosen, request.task == Task.DENOISE ? sigmaY : config.sigmaMax, control.calls(),
			r.particles, r.weights, r.minEss(), r.resamplings);
	}

	private static Outcome sample(final ScoreModel model, final SchedulerConfig config, final Request request,
		final NDManager manager, final Shape shape, final NoiseSource noise, final SamplingControl control,
		final Conditioning conditioning, final double sigmaStart)
	{
		final SchedulerConfig c = config.copy();
		c.sigmaMax = sigmaStart;
		final Sampler sampler = request.samplerSettings().create(c);
		final NDArray out = sampler.sample(model, manager, shape, noise, control, conditioning);
		return new Outcome(out, sigmaStart, control.calls());
	}

	/** Network calls the request will make (−1 when adaptive). */
	public static int plannedCalls(final SchedulerConfig config, final Request request) {
		if (request.task == Task.DENOISE && request.posteriorMean) return 1;
		// one call per σ level; a noisy partial observation may add its level τ to the ladder (denoising starts at τ)
		if (request.particles > 0) return request.particleSteps() + (request.observationNoise > 0 ? 1 : 0);
		final Sampler s = request.samplerSettings().create(config);
		return s.plannedCalls(new Conditioning() {

			@Override
			public int resamplings() {
				return request.resamplings;
			}
		});
	}

	/** 1 − regenerate, checked: 0/1 values, something known and something to make in every image. */
	static float[] knownMask(final float[] regenerate, final int n, final int plane) {
		if (regenerate == null) throw new IllegalArgumentException("inpainting needs a mask (the region to " +
			"regenerate)");
		if (regenerate.length != plane && regenerate.length != (long) n * plane) throw new IllegalArgumentException(
			"the mask has " + regenerate.length + " pixels; the image has " + plane);
		final int masks = regenerate.length / plane;
		final float[] out = new float[n * plane];
		for (int i = 0; i < n; i++) {
			final int from = (masks == 1 ? 0 : i) * plane;
			int made = 0;
			for (int j = 0; j < plane; j++) {
				final float v = regenerate[from + j];
				if (v != 0 && v != 1) throw new IllegalArgumentException("mask values must be 0 (keep) or 1 " +
					"(regenerate), found " + v);
				made += (int) v;
				out[i * plane + j] = 1 - v;
			}
			final String which = masks == 1 ? "the mask" : "the mask of image " + (i + 1);
			if (made == 0) throw new IllegalArgumentException(which + " is empty: there is nothing to regenerate");
			if (made == plane) throw new IllegalArgumentException(which + " covers the whole image: nothing is " +
				"known, so this is plain generation (use generate)");
			if (masks == 1) {
				for (int r = 1; r < n; r++)
					System.arraycopy(out, 0, out, r * plane, plane);
				break;
			}
		}
		return out;
	}

	/** Each of n blocks of {@code size} values repeated k times in a row. */
	static float[] repeat(final float[] values, final int n, final int k, final int size) {
		if (k == 1 && values.length == n * size) return values;
		final float[] out = new float[n * k * size];
		for (int i = 0; i < n; i++)
			for (int j = 0; j < k; j++)
				System.arraycopy(values, i * size, out, (i * k + j) * size, size);
		return out;
	}
}
