package sc.fiji.scoresde.likelihood;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.Random;

import sc.fiji.scoresde.sampling.Rk45;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.VeSde;

/**
 * The probability-flow ODE of the VE SDE, dx/dt = −½·g(t)²·s(x, σ(t)), used the other way round from sampling
 * (score_sde's likelihood.py): integrated from t = ε to 1 together with the divergence of its drift it gives the
 * exact log-likelihood of an image, log p_ε(x) = log p_T(z) + ∫ div f dt with the prior N(0, σmax²I); its end point z
 * is the image's latent code, and integrating back from z decodes it. The divergence is estimated by
 * Hutchinson–Skilling (ε·∇ₓ(s·ε) with Rademacher or Gaussian probes, fixed for a solve; one vector–Jacobian product
 * per probe and call, by autograd) or, for small dimensions, computed exactly as the sum over the unit vectors. The
 * state is integrated in double by {@link Rk45} (scipy's RK45; rtol = atol = 1e-5 by default as likelihood.py).
 */
public final class ProbabilityFlow {

	/** How the divergence of the drift is obtained. */
	public enum Divergence {
		RADEMACHER, GAUSSIAN, EXACT;

		public static Divergence parse(final String s) {
			for (final Divergence d : values())
				if (d.name().equalsIgnoreCase(s)) return d;
			throw new sc.fiji.scoresde.errors.InvalidOptionException("divergence '" + s + "' is not rademacher, gaussian " +
				"or exact");
		}
	}

	public static final class Options {

		public Divergence divergence = Divergence.RADEMACHER;
		/** Hutchinson probes per image, each its own estimate (their mean is reported, with its standard error) */
		public int probes = 1;
		public double rtol = 1e-5;
		public double atol = 1e-5;
		/** seed of the probes */
		public long seed;
		public int maxEvaluations = 20_000;
		/**
		 * bits added to the bits/dim: score_sde's "7 − inverse_scaler(−1)", which is 8 = log2(256) for data in [0, 1]:
		 * the density of 8-bit values as a probability of their 1/256 bins
		 */
		public double offsetBits = 8;

		public void validate() {
			if (probes < 1 || probes > 256) throw new IllegalArgumentException("probes " + probes + " must be in 1..256");
			if (divergence == Divergence.EXACT && probes != 1) throw new IllegalArgumentException("the exact " +
				"divergence takes no probes");
			if (!(rtol > 0 && atol > 0 && rtol < 1 && atol < 1)) throw new IllegalArgumentException("rtol and atol " +
				"must be in (0, 1), not " + rtol + ", " + atol);
			if (!Double.isFinite(offsetBits)) throw new IllegalArgumentException("offset must be finite");
		}
	}

	/** Per image: the log-likelihood and its parts, the latent code, and the solve's cost. */
	public static final class Likelihood {

		public final int count, dims;
		/** log p_ε(x) in nats, the mean over the probes */
		public final double[] logp;
		/** log p_T(z) of the prior N(0, σmax²I) */
		public final double[] priorLogp;
		/** [image][probe]: ∫ div f dt per probe */
		public final double[][] deltaLogp;
		public final double[] bitsPerDim;
		/** the standard error of bitsPerDim over the probes; NaN for one probe or the exact divergence */
		public final double[] bitsStandardError;
		/** z at t = 1, (n, C, H, W) flattened */
		public final float[] latent;
		public final int evaluations;
		final double offsetBits;

		Likelihood(final int count, final int dims, final double[] priorLogp, final double[][] deltaLogp,
			final float[] latent, final int evaluations, final double offsetBits)
		{
			this.count = count;
			this.dims = dims;
			this.priorLogp = priorLogp;
			this.deltaLogp = deltaLogp;
			this.latent = latent;
			this.evaluations = evaluations;
			this.offsetBits = offsetBits;
			logp = new double[count];
			bitsPerDim = new double[count];
			bitsStandardError = new double[count];
			for (int i = 0; i < count; i++) {
				final int m = deltaLogp[i].length;
				double mean = 0;
				for (final double d : deltaLogp[i])
					mean += d;
				mean /= m;
				double var = 0;
				for (final double d : deltaLogp[i])
					var += (d - mean) * (d - mean);
				logp[i] = priorLogp[i] + mean;
				bitsPerDim[i] = bitsPerDim(logp[i], dims, offsetBits);
				bitsStandardError[i] = m < 2 ? Double.NaN : Math.sqrt(var / (m - 1) / m) / (dims * Math.log(2));
			}
		}
	}

	private final ScoreModel model;
	private final VeSde sde;
	private final NDManager manager;

	/** @param manager where the network's inputs are made (the model's device) */
	public ProbabilityFlow(final ScoreModel model, final VeSde sde, final NDManager manager) {
		this.model = model;
		this.sde = sde;
		this.manager = manager;
	}

	/** −log p / (D·ln 2) + offset. */
	public static double bitsPerDim(final double logp, final int dims, final double offsetBits) {
		return -logp / (dims * Math.log(2)) + offsetBits;
	}

	/** log N(z; 0, σmax²I) of one image: score_sde's VESDE.prior_logp. */
	public double priorLogp(final float[] z, final int from, final int dims) {
		double sq = 0;
		for (int j = 0; j < dims; j++)
			sq += (double) z[from + j] * z[from + j];
		final double s2 = sde.sigmaMax * sde.sigmaMax;
		return -0.5 * dims * Math.log(2 * Math.PI * s2) - sq / (2 * s2);
	}

	/**
	 * The log-likelihood of n images (planar C·H·W each, in the model's range; dequantize before if wanted).
	 * Cancellable within one network call through {@code control}; progress as the time reached.
	 */
	public Likelihood likelihood(final float[] images, final Shape shape, final Options o,
		final SamplingControl control)
	{
		o.validate();
		final int n = (int) shape.get(0), d = (int) (shape.size() / n);
		if (images.length != n * d) throw new IllegalArgumentException(images.length + " values for " + shape);
		final int copies = o.divergence == Divergence.EXACT ? d : o.probes;
		final int accumulators = o.divergence == Divergence.EXACT ? 1 : o.probes;
		if ((long) copies * n > 4096) throw new IllegalArgumentException("the " + (o.divergence == Divergence.EXACT
			? "exact divergence of " + d + " dimensions" : o.probes + " probes") + " for " + n + " images would need " +
			(long) copies * n + " network rows per call (at most 4096); use fewer " + (o.divergence == Divergence.EXACT
				? "dimensions or the Hutchinson estimate" : "probes or images per run"));
		final float[] probes = probes(o, copies, n, d);
		final Shape rows = new Shape(copies * (long) n).addAll(shape.slice(1));
		final double[] y0 = new double[n * d + n * accumulators];
		for (int i = 0; i < n * d; i++)
			y0[i] = images[i];
		control.expect(-1);
		final Rk45.System f = (t, y) -> {
			final double sigma = sde.sigma(t), half = -0.5 * sde.g2(t);
			final float[] x = new float[copies * n * d];
			for (int c = 0; c < copies; c++)
				for (int i = 0; i < n * d; i++)
					x[c * n * d + i] = (float) y[i];
			final float[][] out = control.call(() -> scoreAndProbe(x, rows, (float) sigma, probes));
			finite(out[0], "score", sigma);
			finite(out[1], "divergence", sigma);
			final double[] dy = new double[y.length];
			for (int i = 0; i < n * d; i++)
				dy[i] = half * out[0][i];
			for (int c = 0; c < copies; c++)
				for (int i = 0; i < n; i++) {
					final int a = o.divergence == Divergence.EXACT ? i : i * accumulators + c;
					dy[n * d + a] += half * out[1][c * n + i];
				}
			return dy;
		};
		final Rk45.Solution s = new Rk45(o.rtol, o.atol, o.maxEvaluations).solve(f, y0, sde.eps, 1, (t, e) -> control
			.reached(sde.sigma(t), (t - sde.eps) / (1 - sde.eps)));
		final float[] z = new float[n * d];
		for (int i = 0; i < n * d; i++)
			z[i] = (float) s.y[i];
		final double[] prior = new double[n];
		final double[][] delta = new double[n][accumulators];
		for (int i = 0; i < n; i++) {
			prior[i] = priorLogp(z, i * d, d);
			for (int a = 0; a < accumulators; a++)
				delta[i][a] = s.y[n * d + i * accumulators + a];
		}
		return new Likelihood(n, d, prior, delta, z, s.evaluations, o.offsetBits);
	}

	private static void finite(final float[] values, final String what, final double sigma) {
		for (final float v : values)
			if (!Float.isFinite(v)) throw new IllegalStateException(String.format(java.util.Locale.ROOT, "the network's " +
				"%s is NaN or infinite at sigma %.4g", what, sigma));
	}

	/** The latent codes z at t = 1 of n images (no divergence: one forward call per evaluation). */
	public Coding encode(final float[] images, final Shape shape, final double rtol, final double atol,
		final SamplingControl control)
	{
		return flow(images, shape, rtol, atol, control, sde.eps, 1);
	}

	/** The images at t = ε of n latent codes: the inverse of {@link #encode} up to the solver's tolerance. */
	public Coding decode(final float[] latents, final Shape shape, final double rtol, final double atol,
		final SamplingControl control)
	{
		return flow(latents, shape, rtol, atol, control, 1, sde.eps);
	}

	/** The end point of the flow and its cost. */
	public static final class Coding {

		public final float[] values;
		public final int evaluations;

		Coding(final float[] values, final int evaluations) {
			this.values = values;
			this.evaluations = evaluations;
		}
	}

	private Coding flow(final float[] start, final Shape shape, final double rtol, final double atol,
		final SamplingControl control, final double from, final double to)
	{
		if (start.length != shape.size()) throw new IllegalArgumentException(start.length + " values for " + shape);
		final double[] y0 = new double[start.length];
		for (int i = 0; i < y0.length; i++)
			y0[i] = start[i];
		control.expect(-1);
		final Rk45.System f = (t, y) -> {
			final double half = -0.5 * sde.g2(t);
			final float[] x = new float[y.length];
			for (int i = 0; i < x.length; i++)
				x[i] = (float) y[i];
			final float[] score = control.call(() -> score(x, shape, (float) sde.sigma(t)));
			final double[] dy = new double[y.length];
			for (int i = 0; i < dy.length; i++)
				dy[i] = half * score[i];
			return dy;
		};
		final Rk45.Solution s = new Rk45(rtol, atol, 20_000).solve(f, y0, from, to, (t, e) -> control.reached(sde.sigma(
			t), Math.abs(t - from) / Math.abs(to - from)));
		final float[] out = new float[start.length];
		for (int i = 0; i < out.length; i++)
			out[i] = (float) s.y[i];
		return new Coding(out, s.evaluations);
	}

	private float[] score(final float[] x, final Shape shape, final float sigma) {
		try (NDManager call = manager.newSubManager()) {
			return model.score(call.create(x, shape), sigma).toFloatArray();
		}
	}

	/**
	 * One network call with autograd: the score at x and, per row, v·∇ₓ(s·v) = vᵀ(∂s/∂x)v. Everything the graph
	 * holds lives in a sub-manager closed before returning, so no call keeps the graph of an earlier one.
	 */
	float[][] scoreAndProbe(final float[] x, final Shape rows, final float sigma, final float[] v) {
		try (NDManager call = manager.newSubManager()) {
			final NDArray input = call.create(x, rows);
			final NDArray probe = call.create(v, rows);
			input.setRequiresGradient(true);
			final float[] score;
			try (GradientCollector gc = call.getEngine().newGradientCollector()) {
				final NDArray s = model.score(input, sigma);
				score = s.toFloatArray();
				gc.backward(s.mul(probe).sum());
			}
			final NDArray gradient = input.getGradient();
			final int[] axes = new int[rows.dimension() - 1];
			for (int i = 0; i < axes.length; i++)
				axes[i] = i + 1;
			final float[] quadratic = gradient.mul(probe).sum(axes).toFloatArray();
			return new float[][] { score, quadratic };
		}
	}

	/** copies·n·D probe values: unit vectors for the exact divergence, else seeded Rademacher or Gaussian. */
	private static float[] probes(final Options o, final int copies, final int n, final int d) {
		final float[] v = new float[copies * n * d];
		if (o.divergence == Divergence.EXACT) {
			for (int c = 0; c < copies; c++)
				for (int i = 0; i < n; i++)
					v[(c * n + i) * d + c] = 1;
			return v;
		}
		final Random r = new Random(o.seed);
		for (int i = 0; i < v.length; i++)
			v[i] = o.divergence == Divergence.GAUSSIAN ? (float) r.nextGaussian() : r.nextBoolean() ? 1 : -1;
		return v;
	}

	/**
	 * Spherical interpolation between two latent codes, frames from a (fraction 0) to b (fraction 1): the codes are
	 * close to Gaussian with norm ≈ σmax·√D, which a straight line between them would not keep.
	 */
	public static float[] slerp(final float[] a, final float[] b, final int frames) {
		if (a.length != b.length) throw new IllegalArgumentException("latent codes of different sizes");
		if (frames < 2) throw new IllegalArgumentException("interpolation needs at least 2 frames, not " + frames);
		double dot = 0, na = 0, nb = 0;
		for (int i = 0; i < a.length; i++) {
			dot += (double) a[i] * b[i];
			na += (double) a[i] * a[i];
			nb += (double) b[i] * b[i];
		}
		final double cos = Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
		final double theta = Math.acos(cos);
		final float[] out = new float[frames * a.length];
		for (int f = 0; f < frames; f++) {
			final double alpha = f / (double) (frames - 1);
			final double wa, wb;
			if (theta < 1e-6) {
				wa = 1 - alpha;
				wb = alpha;
			}
			else {
				wa = Math.sin((1 - alpha) * theta) / Math.sin(theta);
				wb = Math.sin(alpha * theta) / Math.sin(theta);
			}
			for (int i = 0; i < a.length; i++)
				out[f * a.length + i] = (float) (wa * a[i] + wb * b[i]);
		}
		return out;
	}
}
