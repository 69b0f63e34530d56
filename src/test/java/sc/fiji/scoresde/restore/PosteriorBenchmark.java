package sc.fiji.scoresde.restore;

import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import sc.fiji.scoresde.sampling.GaussianMixture;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.SchedulerConfig;
import sc.fiji.scoresde.sampling.TorchNoise;

/**
 * The conditional methods on a Gaussian mixture whose posteriors are known exactly. Each problem has a prior with
 * full, strongly correlated covariances (3 modes; two of them agree on what is observed, so the posterior keeps two
 * modes and their weights are not trivial), one observation, and a way to draw exact posterior samples. A method's
 * samples are judged like the sampler benchmark's: every sample goes to the nearest mode mean, then the mode
 * proportions, each mode's mean and each mode's per-coordinate standard deviation are compared with those of a
 * large exact sample (the reference); the same statistic on as many exact samples as the method drew is the noise
 * floor.
 */
public final class PosteriorBenchmark {

	/** Errors of one batch of samples against the reference. */
	public static final class Errors {

		/** max over modes of |p̂ − p| */
		public final double proportion;
		/** max over modes (with p ≥ 0.1) of the RMS over coordinates of the mean's error */
		public final double mean;
		/** max over modes (with p ≥ 0.1) of the RMS over coordinates of the standard deviation's error */
		public final double std;

		Errors(final double proportion, final double mean, final double std) {
			this.proportion = proportion;
			this.mean = mean;
			this.std = std;
		}

		/** The largest of the three errors as a multiple of the floor's. */
		public double ratio(final Errors floor) {
			return Math.max(part(proportion, floor.proportion), Math.max(part(mean, floor.mean), part(std, floor.std)));
		}

		private static double part(final double error, final double floor) {
			return error == 0 ? 0 : error / floor;
		}
	}

	/** One conditional task on the mixture. */
	public static final class Problem {

		public final Restoration.Task task;
		public final String description;
		public final GaussianMixture prior;
		public final int channels, size;
		/** the user's input: observed image (inpaint: full image, colorize: grey, denoise: noisy, edit: guide) */
		public final float[] input;
		/** inpaint: 1 where regenerated */
		public final float[] regenerate;
		/** the noise σ of denoise, the strength of edit */
		public final double parameter;
		final Reference reference;
		private final long exactSeed;
		private final ExactSampler exact;

		Problem(final Restoration.Task task, final String description, final GaussianMixture prior, final int channels,
			final int size, final float[] input, final float[] regenerate, final double parameter,
			final ExactSampler exact, final long seed)
		{
			this.task = task;
			this.description = description;
			this.prior = prior;
			this.channels = channels;
			this.size = size;
			this.input = input;
			this.regenerate = regenerate;
			this.parameter = parameter;
			this.exact = exact;
			this.exactSeed = seed;
			this.reference = Reference.of(exact.draw(REFERENCE_SAMPLES, seed), prior.dims(), exact.centres());
		}

		/** n exact samples of the posterior (n × D). */
		public float[] exactSamples(final int n, final long seed) {
			return exact.draw(n, seed);
		}

		public Errors errors(final float[] samples) {
			return reference.errors(samples);
		}

		/**
		 * The errors of n exact samples, averaged over {@link #FLOOR_DRAWS} draws. Each error is a maximum over modes and
		 * noisy, and 4 draws (until December 2026) were too few: super-resolution's proportion floor came out 0.0044
		 * against its expected 0.0125 (E|N(0, √(p(1−p)/n))| for 1000 samples), which tripled that ratio.
		 */
		public Errors floor(final int n) {
			return floor(n, FLOOR_DRAWS);
		}

		/** The errors of n exact samples, averaged over the given number of draws. */
		public Errors floor(final int n, final int draws) {
			double p = 0, m = 0, s = 0;
			for (int i = 0; i < draws; i++) {
				final Errors e = errors(exact.draw(n, exactSeed + 1 + i));
				p += e.proportion / draws;
				m += e.mean / draws;
				s += e.std / draws;
			}
			return new Errors(p, m, s);
		}

		/**
		 * What a perfect method scores: the ratio ({@link Errors#ratio}) against the given floor of each of
		 * {@code draws} further batches of n exact samples, drawn with seeds apart from the floor's. Its mean is above 1
		 * (a ratio is the largest of three errors, each divided by its own mean) and its spread is wide for a single
		 * batch: the yardstick for one run of a method.
		 */
		public double[] exactRatios(final int n, final int draws, final Errors floor) {
			final double[] out = new double[draws];
			for (int i = 0; i < draws; i++)
				out[i] = errors(exact.draw(n, exactSeed + 1_000_001 + i)).ratio(floor);
			return out;
		}

		/**
		 * The mean over coordinates of std(samples)/std(reference) − 1 in the mode of largest weight: whether a
		 * method's spread is too small (negative) or too large.
		 */
		public double stdBias(final float[] samples) {
			final Stats s = Stats.of(samples, prior.dims(), reference.centres);
			int k = 0;
			for (int c = 1; c < reference.weights.length; c++)
				if (reference.weights[c] > reference.weights[k]) k = c;
			double b = 0;
			int free = 0;
			for (int j = 0; j < prior.dims(); j++)
				if (reference.stds[k][j] > 1e-6) {
					b += s.stds[k][j] / reference.stds[k][j] - 1;
					free++;
				}
			return b / free;
		}

		/** The per-mode weights of samples (n × D), by assignment to the nearest mode as in {@link #errors}. */
		public double[] weights(final float[] samples) {
			return Stats.of(samples, prior.dims(), reference.centres).weights;
		}

		/** The exact posterior's per-mode weights of the reference (assignment to the nearest mode). */
		public double[] referenceWeights() {
			return reference.weights.clone();
		}

		public Restoration.Request request(final String sampler, final int steps, final int resamplings,
			final int samples, final long seed)
		{
			final Restoration.Request r = new Restoration.Request();
			r.task = task;
			r.sampler.name = sampler;
			r.sampler.steps = steps;
			r.batch = samples;
			r.seed = seed;
			r.resamplings = resamplings;
			if (task == Restoration.Task.DENOISE) r.sigma = parameter;
			if (task == Restoration.Task.EDIT) r.strength = parameter;
			return r;
		}

		/** The particle sampler with N particles and the given σ levels, one result per sample. */
		public Restoration.Request particleRequest(final int particles, final int steps, final int samples,
			final long seed)
		{
			final Restoration.Request r = request(null, steps, 0, samples, seed);
			r.particles = particles;
			return r;
		}

		/** Runs one method on the exact score; returns the samples (n × D) and the calls made. */
		public float[] run(final NDManager manager, final SchedulerConfig config, final Restoration.Request request,
			final int[] calls)
		{
			return run(manager, config, request, calls, new double[1]);
		}

		/** Runs one method; returns {samples (n × D), per-coordinate weighted mean, standard deviation} unclamped. */
		public float[][] runWithMoments(final NDManager manager, final SchedulerConfig config,
			final Restoration.Request request)
		{
			TorchNoise.GENERATOR_LOCK.lock();
			try (NDManager run = manager.newSubManager()) {
				final Restoration.Outcome o = Restoration.run(prior.score(run), config, request, run, input, 1, channels,
					size, size, regenerate, new TorchNoise(request.seed), new SamplingControl());
				final float[][] m = o.moments(1, false);
				return new float[][] { o.images.toFloatArray(), m[0], m[1] };
			}
			finally {
				TorchNoise.GENERATOR_LOCK.unlock();
			}
		}

		/** {@link #run} that also gives the particle sampler's smallest effective sample size (NaN for others). */
		public float[] run(final NDManager manager, final SchedulerConfig config, final Restoration.Request request,
			final int[] calls, final double[] minEss)
		{
			TorchNoise.GENERATOR_LOCK.lock();
			try (NDManager run = manager.newSubManager()) {
				final SamplingControl control = new SamplingControl();
				final Restoration.Outcome o = Restoration.run(prior.score(run), config, request, run, input, 1,
					channels, size, size, regenerate, new TorchNoise(request.seed), control);
				calls[0] = o.calls;
				minEss[0] = o.minEss;
				return o.images.toFloatArray();
			}
			finally {
				TorchNoise.GENERATOR_LOCK.unlock();
			}
		}
	}

	/** Draws exact samples of a problem's target. */
	interface ExactSampler {

		float[] draw(int n, long seed);

		/** the mode means samples are assigned to */
		double[][] centres();
	}

	static final int REFERENCE_SAMPLES = 100_000;
	/** draws of exact samples averaged for the floor */
	public static final int FLOOR_DRAWS = 256;

	/** The per-mode statistics of a large exact sample. */
	static final class Reference {

		final double[][] centres;
		final double[] weights;
		final double[][] means;
		final double[][] stds;

		private Reference(final double[][] centres, final double[] weights, final double[][] means,
			final double[][] stds)
		{
			this.centres = centres;
			this.weights = weights;
			this.means = means;
			this.stds = stds;
		}

		static Reference of(final float[] samples, final int d, final double[][] centres) {
			final Stats s = Stats.of(samples, d, centres);
			return new Reference(centres, s.weights, s.means, s.stds);
		}

		Errors errors(final float[] samples) {
			final int d = centres[0].length;
			final Stats s = Stats.of(samples, d, centres);
			double p = 0, m = 0, sd = 0;
			for (int k = 0; k < weights.length; k++) {
				p = Math.max(p, Math.abs(s.weights[k] - weights[k]));
				if (weights[k] < 0.1) continue;
				if (s.counts[k] < 2) {
					m = sd = Double.POSITIVE_INFINITY;
					continue;
				}
				double em = 0, es = 0;
				for (int j = 0; j < d; j++) {
					em += Math.pow(s.means[k][j] - means[k][j], 2);
					es += Math.pow(s.stds[k][j] - stds[k][j], 2);
				}
				m = Math.max(m, Math.sqrt(em / d));
				sd = Math.max(sd, Math.sqrt(es / d));
			}
			return new Errors(p, m, sd);
		}
	}

	private static final class Stats {

		final int[] counts;
		final double[] weights;
		final double[][] means;
		final double[][] stds;

		private Stats(final int[] counts, final double[] weights, final double[][] means, final double[][] stds) {
			this.counts = counts;
			this.weights = weights;
			this.means = means;
			this.stds = stds;
		}

		static Stats of(final float[] x, final int d, final double[][] centres) {
			final int n = x.length / d, k = centres.length;
			final int[] count = new int[k];
			final double[][] sum = new double[k][d], sq = new double[k][d];
			for (int i = 0; i < n; i++) {
				int best = 0;
				double bestDistance = Double.MAX_VALUE;
				for (int c = 0; c < k; c++) {
					double dist = 0;
					for (int j = 0; j < d; j++)
						dist += Math.pow(x[i * d + j] - centres[c][j], 2);
					if (dist < bestDistance) {
						bestDistance = dist;
						best = c;
					}
				}
				count[best]++;
				for (int j = 0; j < d; j++) {
					sum[best][j] += x[i * d + j];
					sq[best][j] += (double) x[i * d + j] * x[i * d + j];
				}
			}
			final double[] w = new double[k];
			final double[][] mean = new double[k][d], std = new double[k][d];
			for (int c = 0; c < k; c++) {
				w[c] = count[c] / (double) n;
				for (int j = 0; j < d; j++) {
					if (count[c] == 0) continue;
					mean[c][j] = sum[c][j] / count[c];
					std[c][j] = Math.sqrt(Math.max(0, sq[c][j] / count[c] - mean[c][j] * mean[c][j]));
				}
			}
			return new Stats(count, w, mean, std);
		}
	}

	/** Samples of one fixed posterior mixture; its mode means are the centres. */
	private static final class PosteriorSampler implements ExactSampler {

		final GaussianMixture posterior;

		PosteriorSampler(final GaussianMixture posterior) {
			this.posterior = posterior;
		}

		@Override
		public float[] draw(final int n, final long seed) {
			return posterior.sample(n, seed);
		}

		@Override
		public double[][] centres() {
			return posterior.means;
		}
	}

	/**
	 * SDEdit's target: z, then a sample of the posterior given guide + σ0·z; the centres are the prior's mode means.
	 * The posterior covariances and gains given y = x + σ0·z do not depend on y, so they are computed once.
	 */
	private static final class PriorCentred implements ExactSampler {

		final GaussianMixture prior;
		final double[] guide;
		final double sigma;
		private final double[][][] gains;
		private final double[][][] roots;
		private final double[][][] precisions;
		private final double[] logNorm;

		PriorCentred(final GaussianMixture prior, final double[] guide, final double sigma) {
			this.prior = prior;
			this.guide = guide;
			this.sigma = sigma;
			final int k = prior.modes(), d = prior.dims();
			gains = new double[k][][];
			roots = new double[k][][];
			precisions = new double[k][][];
			logNorm = new double[k];
			for (int c = 0; c < k; c++) {
				final org.apache.commons.math3.linear.RealMatrix cov = new org.apache.commons.math3.linear.Array2DRowRealMatrix(
					prior.covariances[c]);
				final org.apache.commons.math3.linear.RealMatrix s = cov.copy();
				for (int i = 0; i < d; i++)
					s.addToEntry(i, i, sigma * sigma);
				final org.apache.commons.math3.linear.CholeskyDecomposition ch =
					new org.apache.commons.math3.linear.CholeskyDecomposition(s);
				final org.apache.commons.math3.linear.RealMatrix inverse = ch.getSolver().getInverse();
				precisions[c] = inverse.getData();
				gains[c] = cov.multiply(inverse).getData();
				logNorm[c] = Math.log(prior.weights[c]) - 0.5 * Math.log(ch.getDeterminant());
				final org.apache.commons.math3.linear.RealMatrix post = cov.subtract(cov.multiply(inverse).multiply(cov));
				final org.apache.commons.math3.linear.EigenDecomposition e =
					new org.apache.commons.math3.linear.EigenDecomposition(post.add(post.transpose()).scalarMultiply(0.5));
				final double[][] v = e.getV().getData();
				final double[] values = e.getRealEigenvalues();
				final double[][] root = new double[d][d];
				for (int i = 0; i < d; i++)
					for (int j = 0; j < d; j++)
						root[i][j] = v[i][j] * Math.sqrt(Math.max(0, values[j]));
				roots[c] = root;
			}
		}

		@Override
		public double[][] centres() {
			return prior.means;
		}

		@Override
		public float[] draw(final int n, final long seed) {
			final int d = prior.dims(), k = prior.modes();
			final Random r = new Random(seed);
			final float[] out = new float[n * d];
			final double[] y = new double[d], diff = new double[d], z = new double[d];
			final double[] logW = new double[k];
			for (int s = 0; s < n; s++) {
				for (int j = 0; j < d; j++)
					y[j] = guide[j] + sigma * r.nextGaussian();
				double max = Double.NEGATIVE_INFINITY;
				for (int c = 0; c < k; c++) {
					for (int j = 0; j < d; j++)
						diff[j] = y[j] - prior.means[c][j];
					double q = 0;
					for (int i = 0; i < d; i++) {
						double row = 0;
						for (int j = 0; j < d; j++)
							row += precisions[c][i][j] * diff[j];
						q += diff[i] * row;
					}
					logW[c] = logNorm[c] - 0.5 * q;
					max = Math.max(max, logW[c]);
				}
				double total = 0;
				for (int c = 0; c < k; c++)
					total += logW[c] = Math.exp(logW[c] - max);
				double u = r.nextDouble() * total;
				int c = 0;
				while (c < k - 1 && u >= logW[c]) {
					u -= logW[c];
					c++;
				}
				for (int j = 0; j < d; j++) {
					diff[j] = y[j] - prior.means[c][j];
					z[j] = r.nextGaussian();
				}
				for (int i = 0; i < d; i++) {
					double v = prior.means[c][i];
					for (int j = 0; j < d; j++)
						v += gains[c][i][j] * diff[j] + roots[c][i][j] * z[j];
					out[s * d + i] = (float) v;
				}
			}
			return out;
		}
	}

	private PosteriorBenchmark() {}

	static double[][] identity(final int d) {
		final double[][] a = new double[d][d];
		for (int i = 0; i < d; i++)
			a[i][i] = 1;
		return a;
	}

	/**
	 * A prior of 3 modes in D dims: modes 0 and 1 share their means on the coordinates where {@code shared} is true
	 * (mode 1 differs by {@code offset} elsewhere, with mode 0's covariance), mode 2 is elsewhere; a covariance is 0.0005·I plus
	 * rank-3 structure of variances 0.04, 0.02, 0.01 along random directions, which correlates every coordinate with
	 * every other.
	 */
	static GaussianMixture prior(final int d, final boolean[] shared, final double[] offset, final long seed) {
		final Random r = new Random(seed);
		final double[][] means = new double[3][d];
		for (int j = 0; j < d; j++) {
			means[0][j] = 0.25 + 0.5 * r.nextDouble();
			means[1][j] = means[0][j] + (shared[j] ? 0 : offset[j]);
			means[2][j] = 0.25 + 0.5 * r.nextDouble();
		}
		final double[][][] cov = new double[3][d][d];
		final double[] variances = { 0.04, 0.02, 0.01 };
		for (int k = 0; k < 3; k++) {
			if (k == 1) {
				// mode 1 has mode 0's covariance: what is observed cannot tell them apart, so both stay in the posterior
				cov[1] = cov[0];
				continue;
			}
			for (int i = 0; i < d; i++)
				cov[k][i][i] = 0.0005;
			for (final double v : variances) {
				final double[] u = new double[d];
				double norm = 0;
				for (int i = 0; i < d; i++) {
					u[i] = r.nextGaussian();
					norm += u[i] * u[i];
				}
				norm = Math.sqrt(norm);
				for (int i = 0; i < d; i++)
					for (int j = 0; j < d; j++)
						cov[k][i][j] += v * u[i] * u[j] / (norm * norm) * d / 4.0;
			}
		}
		return new GaussianMixture(new double[] { 0.45, 0.35, 0.2 }, means, cov);
	}

	/** The scheduler config of the benchmark: σ from 0.01 to 5 (above the mixture's largest distances). */
	public static SchedulerConfig config() {
		return config(5);
	}

	/**
	 * The benchmark's config with another σmax. Every sampler starts from N(0, σmax²), not from the mixture seen at
	 * σmax (whose mean is about 0.5 per coordinate): at σmax = 5 that start is off by 0.1 standard deviations per
	 * coordinate, which biases the mode proportions even of an exact sampler (MCGdiff at 64 particles: 0.64 for the
	 * mode whose exact weight is 0.56); at 50 the offset is 0.01 standard deviations, about that of the bundled model
	 * (data mean 0.29, σmax 20.9).
	 */
	public static SchedulerConfig config(final double sigmaMax) {
		final SchedulerConfig c = new SchedulerConfig();
		c.sigmaMin = 0.01;
		c.sigmaMax = sigmaMax;
		c.snr = 0.16;
		return c;
	}

	/** Inpainting of the right half of a 1×4×4 image. */
	public static Problem inpainting() {
		final int size = 4, d = 16;
		final boolean[] known = new boolean[d];
		final double[] offset = new double[d];
		final float[] regenerate = new float[d];
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++) {
				known[y * size + x] = x < 2;
				offset[y * size + x] = (x + y) % 2 == 0 ? 0.4 : -0.4;
				regenerate[y * size + x] = x < 2 ? 0 : 1;
			}
		final GaussianMixture prior = prior(d, known, offset, 11);
		final double[] truth = toDouble(prior.sample(1, 12));
		final List<Integer> observed = new ArrayList<>();
		for (int j = 0; j < d; j++)
			if (known[j]) observed.add(j);
		final double[][] a = new double[observed.size()][d];
		final double[] y = new double[observed.size()];
		for (int i = 0; i < observed.size(); i++) {
			a[i][observed.get(i)] = 1;
			y[i] = truth[observed.get(i)];
		}
		final GaussianMixture posterior = prior.posterior(a, 0, y);
		final float[] input = toFloat(truth);
		return new Problem(Restoration.Task.INPAINT, "inpaint the right half of 1×4×4", prior, 1, size, input,
			regenerate, 0, new PosteriorSampler(posterior), 13);
	}

	/** Colorization of a 3×2×2 image: the grey value of each pixel is known. */
	public static Problem colorization() {
		final int size = 2, plane = 4, d = 12;
		final boolean[] shared = new boolean[d];
		final double[] offset = new double[d];
		// mode 1 differs from mode 0 by a colour (zero-grey) shift (−2, 1, 1)/√6·0.5 per pixel
		for (int p = 0; p < plane; p++) {
			offset[p] = -2 / Math.sqrt(6) * 0.5;
			offset[plane + p] = 1 / Math.sqrt(6) * 0.5;
			offset[2 * plane + p] = 1 / Math.sqrt(6) * 0.5;
		}
		final GaussianMixture prior = prior(d, shared, offset, 21);
		final double[] truth = toDouble(prior.sample(1, 22));
		final double[][] a = new double[plane][d];
		final double[] y = new double[plane];
		final float[] grey = new float[plane];
		for (int p = 0; p < plane; p++) {
			for (int c = 0; c < 3; c++)
				a[p][c * plane + p] = 1 / Math.sqrt(3);
			grey[p] = (float) ((truth[p] + truth[plane + p] + truth[2 * plane + p]) / 3);
			y[p] = Math.sqrt(3) * grey[p];
		}
		final GaussianMixture posterior = prior.posterior(a, 0, y);
		return new Problem(Restoration.Task.COLORIZE, "colorize 3×2×2 from its grey values", prior, 3, size, grey,
			null, 0, new PosteriorSampler(posterior), 23);
	}

	/**
	 * Super-resolution of a 1×4×4 image from its 2×2 block means: modes 0 and 1 differ by a pattern whose block means
	 * are 0 (+0.4 and −0.4 on the two diagonals of every block), so the low-resolution image cannot tell them apart.
	 */
	public static Problem upscaling() {
		final int size = 4, d = 16, factor = 2;
		final GaussianMixture prior = prior(d, new boolean[d], checkerboard(size, 0.4), 51);
		final double[] truth = toDouble(prior.sample(1, 52));
		final sc.fiji.scoresde.sampling.LinearObservation pooling = sc.fiji.scoresde.sampling.LinearObservation
			.pooling(factor, 1, size, size);
		final double[][] a = pooling.matrix();
		final double[] y = new double[a.length];
		final float[] small = new float[a.length];
		for (int i = 0; i < a.length; i++) {
			for (int j = 0; j < d; j++)
				y[i] += a[i][j] * truth[j];
			small[i] = (float) y[i];
		}
		final GaussianMixture posterior = prior.posterior(a, 0, y);
		return new Problem(Restoration.Task.UPSCALE, "upscale 1×2×2 block means to 1×4×4", prior, 1, size, small,
			null, 0, new PosteriorSampler(posterior), 53);
	}

	/** Denoising of a 1×4×4 image with noise σ_y = 0.2. */
	public static Problem denoising() {
		final int size = 4, d = 16;
		final double sigma = 0.2;
		final GaussianMixture prior = prior(d, new boolean[d], checkerboard(size, 0.4), 31);
		final double[] truth = toDouble(prior.sample(1, 32));
		final Random r = new Random(33);
		final double[] y = new double[d];
		for (int j = 0; j < d; j++)
			y[j] = truth[j] + sigma * r.nextGaussian();
		final GaussianMixture posterior = prior.posterior(identity(d), sigma * sigma, y);
		return new Problem(Restoration.Task.DENOISE, "denoise 1×4×4, sigma_y = 0.2", prior, 1, size, toFloat(y), null,
			sigma, new PosteriorSampler(posterior), 34);
	}

	/** The exact posterior of the denoising problem (for Tweedie's mean). */
	public static GaussianMixture denoisingPosterior(final Problem p) {
		final double[] y = toDouble(p.input);
		return p.prior.posterior(identity(p.prior.dims()), p.parameter * p.parameter, y);
	}

	/** Guided synthesis from a clean 1×4×4 image at strength t0 = 0.75 (σ(t0) ≈ 1.06 with σ 0.01…5). */
	public static Problem editing() {
		final int size = 4, d = 16;
		final double strength = 0.75;
		final GaussianMixture prior = prior(d, new boolean[d], checkerboard(size, 0.4), 41);
		final double[] guide = toDouble(prior.sample(1, 42));
		final double sigma = Restoration.editSigma(config(), strength);
		return new Problem(Restoration.Task.EDIT, "SDEdit of 1×4×4 at t0 = 0.75", prior, 1, size, toFloat(guide), null,
			strength, new PriorCentred(prior, guide, sigma), 43);
	}

	private static double[] checkerboard(final int size, final double amplitude) {
		final double[] o = new double[size * size];
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++)
				o[y * size + x] = (x + y) % 2 == 0 ? amplitude : -amplitude;
		return o;
	}

	static double[] toDouble(final float[] v) {
		final double[] out = new double[v.length];
		for (int i = 0; i < v.length; i++)
			out[i] = v[i];
		return out;
	}

	static float[] toFloat(final double[] v) {
		final float[] out = new float[v.length];
		for (int i = 0; i < v.length; i++)
			out[i] = (float) v[i];
		return out;
	}
}
