package sc.fiji.scoresde.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.images.NpyReader;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.VeSde;

/**
 * The probability flow on a real network (the ncsnpp-tiny fixture, 3×32×32): divergence parity and latent codes; the
 * memory of many probe calls is {@link ProbeMemoryTest}'s (own JVM).
 */
@Tag("heavy") // minutes on a 2-core CPU: runs with -Pheavy (.ci/run), not in the default mvn verify
class UNetLikelihoodTest {

	private static LoadedModel model;
	private static NDManager manager;

	@BeforeAll
	static void open() throws IOException {
		model = LoadedModel.load(Fixtures.dir("ncsnpp-tiny").resolve("pipeline"), Device.cpu(), w -> {});
		manager = NDManager.newBaseManager(Device.cpu());
	}

	@AfterAll
	static void close() {
		manager.close();
		model.close();
	}

	private static float[] image(final long seed) {
		final Random r = new Random(seed);
		final float[] x = new float[3 * 32 * 32];
		for (int i = 0; i < x.length; i++)
			x[i] = (float) (0.5 + 0.3 * Math.sin(i / 40.0) + 0.05 * r.nextGaussian());
		return x;
	}

	private static double dot(final float[] a, final float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++)
			s += (double) a[i] * b[i];
		return s;
	}

	/**
	 * vᵀ(∂s/∂x)v by autograd (one vector–Jacobian product) equals the fourth-order central difference of vᵀs(x + hv)
	 * in h, in pixel units, of the network within 1e-3 relative, for Rademacher and Gaussian probes at a small and a large σ.
	 */
	@Test
	void probeEqualsFiniteDifferencesOfTheNetwork() {
		final ScoreModel score = model.scoreModel();
		final ProbabilityFlow flow = new ProbabilityFlow(score, VeSde.of(model.schedulerConfig()), manager);
		final Shape one = new Shape(1, 3, 32, 32);
		final Random r = new Random(7);
		for (final float sigma : new float[] { 0.05f, 5f })
			for (final boolean gaussian : new boolean[] { false, true }) {
				final float[] x = image(sigma > 1 ? 2 : 1);
				final float[] v = new float[x.length];
				for (int i = 0; i < v.length; i++)
					v[i] = gaussian ? (float) r.nextGaussian() : r.nextBoolean() ? 1 : -1;
				final float[][] out = flow.scoreAndProbe(x, one, sigma, v);
				// float32 rounding scatters single stencils by a few 1e-4 relative; three step sizes are averaged
				final double numeric = (stencil(score, x, v, one, sigma, 1e-2) + stencil(score, x, v, one, sigma, 5e-3) +
					stencil(score, x, v, one, sigma, 2.5e-3)) / 3;
				final double relative = Math.abs(out[1][0] - numeric) / Math.abs(numeric);
				System.out.printf(Locale.ROOT, "ncsnpp-tiny probe at sigma %.2f (%s): autograd %.6e, finite " +
					"differences %.6e, relative %.1e%n", sigma, gaussian ? "gaussian" : "rademacher", out[1][0], numeric,
					relative);
				assertTrue(relative < 1e-3, "sigma " + sigma + ": autograd " + out[1][0] + ", finite differences " +
					numeric);
				// the score returned beside it is the plain network call's, up to float32 summation order: while
				// autograd records, convolutions run on channels-last copies (Nn.conv2d, a oneDNN workaround)
				final float[] plain = call(score, x, one, sigma);
				for (int i = 0; i < plain.length; i++)
					assertEquals(plain[i], out[0][i], 1e-3f * Math.max(1, Math.abs(plain[i])));
			}
	}

	/** vᵀ(∂s/∂x)v by the fourth-order central difference of vᵀs along v with step h. */
	private static double stencil(final ScoreModel score, final float[] x, final float[] v, final Shape shape,
		final float sigma, final double h)
	{
		final double[] f = new double[4];
		final double[] steps = { -2, -1, 1, 2 };
		for (int k = 0; k < 4; k++) {
			final float[] p = new float[x.length];
			for (int i = 0; i < x.length; i++)
				p[i] = (float) (x[i] + steps[k] * h * v[i]);
			f[k] = dot(call(score, p, shape, sigma), v);
		}
		return (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h);
	}

	private static float[] call(final ScoreModel score, final float[] x, final Shape shape, final float sigma) {
		try (NDManager m = manager.newSubManager()) {
			return score.score(m.create(x, shape), sigma).toFloatArray();
		}
	}

	/**
	 * encode → decode with the bundled Fashion-MNIST model (1×28×28, a trained network) returns two Fashion-MNIST test
	 * images (examples/a.npy, b.npy) within the ODE tolerance's error, which shrinks with the tolerance (printed).
	 * Images of the data the model learnt: for shapes far from it (an ellipse and a ring, this test's input until
	 * issue 27) the flow's reversibility depends on the weights (the no-flip weights miss by RMS 7e-2 at rtol 1e-5,
	 * more than at 1e-4); ncsnpp-tiny's random weights with σmax 348 make a far slower, less reversible flow still
	 * (at rtol 1e-3 its round trip missed by up to 16 after 230 + 122 evaluations).
	 */
	@Test
	void encodeThenDecodeReturnsTheImage() throws IOException {
		try (LoadedModel bundled = LoadedModel.load(Paths.get("src/main/resources/sc/fiji/scoresde/default-model"),
			Device.cpu(), w -> {}))
		{
			final ProbabilityFlow flow = new ProbabilityFlow(bundled.scoreModel(), VeSde.of(bundled
				.schedulerConfig()), manager);
			final Shape shape = new Shape(2, 1, 28, 28);
			// test images 1 and 0 (a pullover, an ankle boot), 8-bit ÷ 255 as every command reads them
			final float[][] images = LikelihoodService.inputs(bundled, java.util.List.of(NpyReader.read(Paths.get(
				"examples", "a.npy")), NpyReader.read(Paths.get("examples", "b.npy"))));
			final float[] x = new float[2 * 28 * 28];
			System.arraycopy(images[0], 0, x, 0, 784);
			System.arraycopy(images[1], 0, x, 784, 784);
			double previous = Double.POSITIVE_INFINITY;
			for (final double tol : new double[] { 1e-3, 1e-4, 1e-5 }) {
				final ProbabilityFlow.Coding z = flow.encode(x, shape, tol, tol, new SamplingControl());
				final ProbabilityFlow.Coding back = flow.decode(z.values, shape, tol, tol, new SamplingControl());
				double worst = 0, sq = 0, norm = 0;
				for (int i = 0; i < x.length; i++) {
					final double e = back.values[i] - x[i];
					worst = Math.max(worst, Math.abs(e));
					sq += e * e;
					norm += z.values[i] * (double) z.values[i];
				}
				System.out.printf(Locale.ROOT, "bundled model round trip at rtol = atol = %.0e: max |Δ| %.2e, RMS " +
					"%.2e, %d + %d evaluations, latent norm %.1f per image (σmax·√D = %.1f)%n", tol, worst, Math.sqrt(
						sq / x.length), z.evaluations, back.evaluations, Math.sqrt(norm / 2), bundled.schedulerConfig()
							.sigmaMax * 28);
				final double rms = Math.sqrt(sq / x.length);
				assertTrue(rms < previous, "round trip RMS error " + rms + " at tolerance " + tol + " is not below the " +
					"looser tolerance's " + previous);
				previous = rms;
				// measured with `interpolate --frames 2` (clamped output): RMS about 2e-3, max 2e-2 at 1e-5, for the
				// weights before and after issue 27's fine-tune alike
				if (tol == 1e-5) assertTrue(rms < 1e-2 && worst < 0.1, "round trip error RMS " + rms + ", max " +
					worst + " at tolerance " + tol);
			}
		}
	}
}
