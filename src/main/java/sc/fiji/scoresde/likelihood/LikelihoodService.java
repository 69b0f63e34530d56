package sc.fiji.scoresde.likelihood;

import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Locale;
import java.util.Random;

import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.runtime.ModelRuntime;
import sc.fiji.scoresde.runtime.RunHooks;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.MemoryCheck;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.restore.RestorationService;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.SamplingListener;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.VeSde;

/**
 * {@link ProbabilityFlow} on a loaded pipeline for every front end: the user's images checked against the model,
 * bits/dim of many images in solves of a few images each, interpolation between two images through their latent
 * codes; progress over the whole run, cancel within one network call.
 */
public final class LikelihoodService {

	/** interpolation's frames, both ends included */
	public static final int DEFAULT_FRAMES = 8, MAX_FRAMES = 4096;

	private LikelihoodService() {}

	/** What the likelihood front ends ask for; the defaults are those of every front end. */
	public static final class Request {

		public static final String DEFAULT_DIVERGENCE = "rademacher";
		public static final String DEFAULT_TOLERANCE = "1e-5";
		public static final int DEFAULT_BATCH = 8, MAX_BATCH = 4096, MAX_PROBES = 256;
		/** likelihood's seed: fixed, so that two runs on the same images agree */
		public static final String DEFAULT_SEED = "0";

		public ProbabilityFlow.Divergence divergence = ProbabilityFlow.Divergence.parse(DEFAULT_DIVERGENCE);
		/** Hutchinson probes per image (each an estimate; the mean is reported with its standard error) */
		public int probes = 1;
		/** 8-bit data: x = (255·x + u)/256 with u ~ U[0, 1), as score_sde's evaluation (then the offset is 8 bits) */
		public boolean dequantize;
		/** seed of the probes and of the dequantization noise; null picks one */
		public Long seed = Long.parseLong(DEFAULT_SEED);
		/**
		 * images per ODE solve: they share the solver's step sizes, so the NFE and (within the tolerance) the values
		 * depend on it; the front ends use the same default so that their figures agree
		 */
		public int batch = DEFAULT_BATCH;
		/** RK45 rtol = atol */
		public double tolerance = Double.parseDouble(DEFAULT_TOLERANCE);

		/** @throws InvalidOptionException naming the option, its value and the accepted range */
		public void validate() {
			if (batch < 1 || batch > MAX_BATCH) throw new InvalidOptionException("batch (images per solve) " + batch +
				" must be in 1.." + MAX_BATCH);
			if (probes < 1 || probes > MAX_PROBES) throw new InvalidOptionException("probes " + probes + " must be in " +
				"1.." + MAX_PROBES);
			if (!(tolerance > 0 && tolerance < 1)) throw new InvalidOptionException("tolerance (rtol) " + tolerance +
				" must be in (0, 1)");
			if (seed != null && seed < 0) throw new InvalidOptionException("seed " +
				seed + " must be ≥ 0 (or not given: pick one)");
		}

		ProbabilityFlow.Options options(final long probeSeed) {
			final ProbabilityFlow.Options o = new ProbabilityFlow.Options();
			o.divergence = divergence;
			o.probes = divergence == ProbabilityFlow.Divergence.EXACT ? 1 : probes;
			o.rtol = tolerance;
			o.atol = tolerance;
			o.seed = probeSeed;
			return o;
		}
	}

	/** Per image: bits/dim, its standard error over the probes (NaN for one probe), the NFE of its solve. */
	public static final class Result {

		public final double[] bitsPerDim, standardError;
		public final int[] evaluations;
		public final long seed;
		public final double seconds;

		Result(final double[] bitsPerDim, final double[] standardError, final int[] evaluations, final long seed,
			final double seconds)
		{
			this.bitsPerDim = bitsPerDim;
			this.standardError = standardError;
			this.evaluations = evaluations;
			this.seed = seed;
			this.seconds = seconds;
		}

		public int count() {
			return bitsPerDim.length;
		}

		public double mean() {
			double m = 0;
			for (final double b : bitsPerDim)
				m += b;
			return m / bitsPerDim.length;
		}

		/** The standard error of the mean over the images (NaN for one image). */
		public double meanStandardError() {
			final int n = bitsPerDim.length;
			if (n < 2) return Double.NaN;
			final double m = mean();
			double v = 0;
			for (final double b : bitsPerDim)
				v += (b - m) * (b - m);
			return Math.sqrt(v / (n - 1) / n);
		}

		/** "mean ± s.e. bits/dim over n images" */
		public String summary() {
			return String.format(Locale.ROOT, "%.4f ± %.4f bits/dim over %d image(s)", mean(), meanStandardError(),
				count());
		}
	}

	/**
	 * The user's images as the model takes them (its channels, its size), planar C·H·W each; a clear error naming the
	 * first image that does not fit, or a NaN or infinite pixel.
	 */
	public static float[][] inputs(final LoadedModel model, final List<UserImage> images) {
		if (images.isEmpty()) throw new IllegalArgumentException("no images given");
		final UNet2DConfig c = model.unet().config();
		final float[][] out = new float[images.size()][];
		for (int i = 0; i < out.length; i++) {
			final UserImage im = images.get(i);
			if (c.sampleSize != null && (im.height != c.height() || im.width != c.width()))
				throw new IllegalArgumentException(im.source + " is " + im.width + "×" + im.height + " but the model " +
					"takes " + c.width() + "×" + c.height() + " images (sample_size in " + model.folder().unetConfigFile +
					"); crop or scale it first");
			if (i > 0 && (im.height != images.get(0).height || im.width != images.get(0).width))
				throw new IllegalArgumentException(im.source + " is " + im.width + "×" + im.height + ", the first image " +
					images.get(0).width + "×" + images.get(0).height + "; all images must have one size");
			out[i] = RestorationService.asChannels(im, c.inChannels);
			for (final float v : out[i])
				if (!Float.isFinite(v)) throw new IllegalArgumentException(im.source + " has NaN or infinite pixels");
		}
		return out;
	}

	/** (255·x + u)/256 with u ~ U[0, 1) from {@code random}: values k/255 become uniform in bin k of 256. */
	static float[] dequantize(final float[] x, final Random random) {
		final float[] out = new float[x.length];
		for (int i = 0; i < x.length; i++)
			out[i] = (float) ((x[i] * 255.0 + random.nextDouble()) / 256.0);
		return out;
	}

	/**
	 * Bits/dim of every image ({@link #inputs} of the model), in solves of {@code request.batch} images. With
	 * {@code hooks.scoreModel} set, that replaces the network (tests).
	 */
	public static Result likelihood(final LoadedModel model, final Request request, final float[][] images,
		final int height, final int width, final RunHooks hooks)
	{
		request.validate();
		return ModelRuntime.run(model, new ModelRuntime.Plan().seed(request.seed), hooks, run -> likelihood(run,
			request, images, height, width));
	}

	private static Result likelihood(final ModelRuntime.Run run, final Request request, final float[][] images,
		final int height, final int width)
	{
		final LoadedModel model = run.model;
		final UNet2DConfig c = model.unet().config();
		final long seed = run.seed;
		final int d = c.inChannels * height * width;
		final int copies = request.divergence == ProbabilityFlow.Divergence.EXACT ? d : request.probes;
		int batch = Math.min(request.batch, images.length);
		// the backward pass keeps the forward's activations: count a row of a call with autograd as three
		final int rows = MemoryCheck.imagesPerCall(c, height, width, "the image", 3 * copies * batch, model.device(),
			line -> {}) / 3;
		if (rows < copies * batch) {
			batch = Math.max(1, rows / copies);
			run.log("likelihood: " + batch + " image(s) per solve to fit the device's memory");
		}
		final int solves = (images.length + batch - 1) / batch;
		final double[] bits = new double[images.length], se = new double[images.length];
		final int[] nfe = new int[images.length];
		final long start = System.nanoTime();
		run.log(String.format(Locale.ROOT, "likelihood: %d image(s), %s divergence%s, %s, rtol %.0e, %d " +
			"image(s) per solve, seed %d, device %s", images.length, request.divergence.name().toLowerCase(Locale.ROOT),
			request.divergence == ProbabilityFlow.Divergence.EXACT ? "" : " with " + request.probes + " probe(s)",
			request.dequantize ? "dequantized" : "not dequantized", request.tolerance, batch, seed, run.device()));
		final int[] solve = { 0 };
		final SamplingControl control = overall(run.hooks, solve, solves);
		final ScoreModel score = run.hooks.scoreModel != null ? run.hooks.scoreModel : model.scoreModel();
		final VeSde sde = VeSde.of(model.schedulerConfig());
		final ProbabilityFlow flow = new ProbabilityFlow(score, sde, run.manager);
		for (solve[0] = 0; solve[0] < solves; solve[0]++) {
			final int from = solve[0] * batch, n = Math.min(batch, images.length - from);
			final float[] x = new float[n * d];
			for (int i = 0; i < n; i++) {
				// the noise of image k depends on the seed and k only, not on how images are grouped
				final float[] v = request.dequantize ? dequantize(images[from + i], new Random(seed * 1_000_003L +
					from + i)) : images[from + i];
				System.arraycopy(v, 0, x, i * d, d);
			}
			final ProbabilityFlow.Likelihood l = flow.likelihood(x, new Shape(n, c.inChannels, height, width),
				request.options(seed + from), control);
			for (int i = 0; i < n; i++) {
				bits[from + i] = l.bitsPerDim[i];
				se[from + i] = l.bitsStandardError[i];
				nfe[from + i] = l.evaluations;
			}
		}
		return new Result(bits, se, nfe, seed, (System.nanoTime() - start) / 1e9);
	}

	/** Progress over several solves: call counts as they come, the fraction over the whole run. */
	private static SamplingControl overall(final RunHooks hooks, final int[] solve, final int solves) {
		final SamplingListener outer = hooks.progress;
		return new SamplingControl().cancelledWhen(hooks.cancelled).listener(new SamplingListener() {

			@Override
			public void networkCallDone(final int done, final int total) {
				outer.networkCallDone(done, -1);
			}

			@Override
			public void noiseLevelReached(final double sigma, final double fraction) {
				outer.noiseLevelReached(sigma, (solve[0] + fraction) / solves);
			}
		});
	}

	/** An interpolation: the frames (clamped to [0, 1]) and the cost of encoding the two ends and decoding. */
	public static final class Interpolation {

		public final GeneratedImages frames;
		public final int encodeEvaluations, decodeEvaluations;
		/** |z| of the two latent codes and σmax·√D, which they should be close to */
		public final double normA, normB, expectedNorm;

		Interpolation(final GeneratedImages frames, final int encodeEvaluations, final int decodeEvaluations,
			final double normA, final double normB, final double expectedNorm)
		{
			this.frames = frames;
			this.encodeEvaluations = encodeEvaluations;
			this.decodeEvaluations = decodeEvaluations;
			this.normA = normA;
			this.normB = normB;
			this.expectedNorm = expectedNorm;
		}
	}

	/**
	 * Encodes a and b (model inputs, C·H·W) in one solve, interpolates their latent codes spherically and decodes the
	 * frames in solves of up to 8; frame 0 is a's reconstruction, the last b's.
	 */
	public static Interpolation interpolate(final LoadedModel model, final float[] a, final float[] b, final int frames,
		final int height, final int width, final double tolerance, final RunHooks hooks)
	{
		if (frames < 2 || frames > MAX_FRAMES) throw new InvalidOptionException("frames " + frames + " must be in 2.." +
			MAX_FRAMES);
		if (!(tolerance > 0 && tolerance < 1)) throw new InvalidOptionException("tolerance (rtol) " + tolerance +
			" must be in (0, 1)");
		final int d = model.unet().config().inChannels * height * width;
		if (a.length != d || b.length != d) throw new IllegalArgumentException("the two images must be " + d +
			" values each");
		return ModelRuntime.run(model, new ModelRuntime.Plan(), hooks, run -> interpolate(run, a, b, frames, height,
			width, tolerance));
	}

	private static Interpolation interpolate(final ModelRuntime.Run run, final float[] a, final float[] b,
		final int frames, final int height, final int width, final double tolerance)
	{
		final LoadedModel model = run.model;
		final UNet2DConfig c = model.unet().config();
		final int d = c.inChannels * height * width;
		final int perSolve = Math.max(1, Math.min(8, MemoryCheck.imagesPerCall(c, height, width, "the images", 8, model
			.device(), line -> {})));
		final int solves = 1 + (frames + perSolve - 1) / perSolve;
		final int[] solve = { 0 };
		final SamplingControl control = overall(run.hooks, solve, solves);
		final ScoreModel score = run.hooks.scoreModel != null ? run.hooks.scoreModel : model.scoreModel();
		final VeSde sde = VeSde.of(model.schedulerConfig());
		run.log(String.format(Locale.ROOT, "interpolate: %d frames, tolerance %.0e, device %s", frames, tolerance,
			run.device()));
		final ProbabilityFlow flow = new ProbabilityFlow(score, sde, run.manager);
		final float[] ends = new float[2 * d];
		System.arraycopy(a, 0, ends, 0, d);
		System.arraycopy(b, 0, ends, d, d);
		final ProbabilityFlow.Coding codes = flow.encode(ends, new Shape(2, c.inChannels, height, width), tolerance,
			tolerance, control);
		final float[] za = java.util.Arrays.copyOfRange(codes.values, 0, d);
		final float[] zb = java.util.Arrays.copyOfRange(codes.values, d, 2 * d);
		final float[] path = ProbabilityFlow.slerp(za, zb, frames);
		final float[] decoded = new float[frames * d];
		int decodeCalls = 0;
		for (int from = 0; from < frames; from += perSolve) {
			solve[0]++;
			final int n = Math.min(perSolve, frames - from);
			final ProbabilityFlow.Coding out = flow.decode(java.util.Arrays.copyOfRange(path, from * d, (from + n) * d),
				new Shape(n, c.inChannels, height, width), tolerance, tolerance, control);
			System.arraycopy(out.values, 0, decoded, from * d, n * d);
			decodeCalls += out.evaluations;
		}
		final int plane = height * width;
		final float[] nhwc = new float[frames * d];
		for (int f = 0; f < frames; f++)
			for (int ch = 0; ch < c.inChannels; ch++)
				for (int p = 0; p < plane; p++)
					nhwc[(f * plane + p) * c.inChannels + ch] = Math.max(0f, Math.min(1f, decoded[f * d + ch * plane + p]));
		final GeneratedImages images = new GeneratedImages(nhwc, frames, height, width, c.inChannels, 0, run.device(),
			codes.evaluations + decodeCalls);
		return new Interpolation(images, codes.evaluations, decodeCalls, norm(za), norm(zb), sde.sigmaMax * Math.sqrt(
			d));
	}

	private static double norm(final float[] z) {
		double s = 0;
		for (final float v : z)
			s += (double) v * v;
		return Math.sqrt(s);
	}
}
