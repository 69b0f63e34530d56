package sc.fiji.scoresde.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * The particle sampler through {@link Restoration} on the exact Gaussian-mixture posteriors, super-resolution's
 * basis and replacement, and the refusals of the new options.
 */
class PosteriorParticlesTest {

	static NDManager manager;
	/** σmax 50: the start N(0, σmax²) is then as close to the mixture seen at σmax as a real model's is */
	static final SchedulerConfig CONFIG = PosteriorBenchmark.config(50);

	@BeforeAll
	static void start() {
		manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
	}

	@AfterAll
	static void stop() {
		manager.close();
	}

	@Test
	void poolingBasisIsOrthonormalAndItsFirstCoordinateIsKTimesTheBlockMean() {
		final PoolingBasis b = new PoolingBasis(2);
		final float[] v = new float[2 * 4 * 6];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) Math.sin(1.7 * i + 0.3);
		final NDArray x = manager.create(v, new Shape(1, 2, 4, 6));
		final NDArray coordinates = b.to(x);
		assertEquals(x.square().sum().getFloat(), coordinates.square().sum().getFloat(), 1e-4);
		final float[] back = b.from(coordinates).toFloatArray();
		for (int i = 0; i < v.length; i++)
			assertEquals(v[i], back[i], 1e-5);
		// channel 1, block (row 1, column 2): pixels (2..3, 4..5)
		final float[] c = coordinates.toFloatArray();
		final double mean = (v[24 + 2 * 6 + 4] + v[24 + 2 * 6 + 5] + v[24 + 3 * 6 + 4] + v[24 + 3 * 6 + 5]) / 4;
		assertEquals(2 * mean, c[24 + 2 * 6 + 4], 1e-5);
	}

	@Test
	void upscalingKeepsTheBlockMeansWithReplacementAndWithParticles() {
		final PosteriorBenchmark.Problem p = PosteriorBenchmark.upscaling();
		final Restoration.Request replace = p.request("pc", 20, 0, 8, 1);
		final Restoration.Request particles = p.particleRequest(4, 20, 8, 1);
		for (final Restoration.Request r : new Restoration.Request[] { replace, particles }) {
			final float[] x = p.run(manager, CONFIG, r, new int[1]);
			for (int s = 0; s < 8; s++)
				for (int by = 0; by < 2; by++)
					for (int bx = 0; bx < 2; bx++) {
						double mean = 0;
						for (int dy = 0; dy < 2; dy++)
							for (int dx = 0; dx < 2; dx++)
								mean += x[s * 16 + (2 * by + dy) * 4 + 2 * bx + dx] / 4.0;
						assertEquals(p.input[by * 2 + bx], mean, 1e-4, (r.particles > 0 ? "particles" : "replacement") +
							", sample " + s + ", block " + by + "," + bx);
					}
		}
	}

	@Test
	void particleSamplesOfSuperResolutionAreCloseToExactOnes() {
		final PosteriorBenchmark.Problem p = PosteriorBenchmark.upscaling();
		final float[] x = p.run(manager, CONFIG, p.particleRequest(16, 100, 1000, 0), new int[1]);
		final float[] replaced = p.run(manager, CONFIG, p.request("pc", 500, 0, 1000, 0), new int[1]);
		final PosteriorBenchmark.Errors floor = p.floor(1000);
		final double particles = p.errors(x).ratio(floor), replacement = p.errors(replaced).ratio(floor);
		// measured: 2.9 with 16 particles × 100 steps against 5.6 for pc replacement with 500 steps (1000 calls)
		assertTrue(particles < 4, "particle sampler errors are " + particles + "× the exact samples'");
		assertTrue(particles < 0.75 * replacement, "particles " + particles + "× the floor, replacement " +
			replacement);
	}

	@Test
	void weightedMomentsOfManyRunsApproachTheExactPosteriorMeanAndStd() {
		final PosteriorBenchmark.Problem p = PosteriorBenchmark.inpainting();
		final Restoration.Request r = p.particleRequest(16, 100, 200, 3);
		r.uncertainty = true;
		final float[][] m = p.runWithMoments(manager, CONFIG, r);
		final float[] exact = p.exactSamples(100_000, 7);
		final int d = 16, n = exact.length / d;
		double meanError = 0, stdError = 0, stdScale = 0;
		for (int j = 0; j < d; j++) {
			double s = 0, sq = 0;
			for (int i = 0; i < n; i++) {
				s += exact[i * d + j];
				sq += (double) exact[i * d + j] * exact[i * d + j];
			}
			final double mean = s / n, std = Math.sqrt(Math.max(0, sq / n - mean * mean));
			meanError = Math.max(meanError, Math.abs(m[1][j] - mean));
			stdError = Math.max(stdError, Math.abs(m[2][j] - std));
			stdScale = Math.max(stdScale, std);
		}
		// the posterior is bimodal (modes 0.8 apart on the unknown half): its largest std is about 0.2
		assertTrue(stdScale > 0.15, "exact std " + stdScale);
		// measured: 0.020 and 0.0027 (200 runs of 16 particles; the mean's sampling error is about 0.2/√200 = 0.014)
		assertTrue(meanError < 0.05, "largest error of the weighted mean " + meanError);
		assertTrue(stdError < 0.02, "largest error of the weighted std " + stdError);
		// the known half is fixed: std 0, mean the observed value
		for (int j = 0; j < d; j++)
			if (p.regenerate[j] == 0) {
				assertEquals(p.input[j], m[1][j], 1e-4);
				assertEquals(0, m[2][j], 1e-3);
			}
	}

	@Test
	void newOptionsAreRefusedWithASentence() {
		final Restoration.Request r = new Restoration.Request();
		r.task = Restoration.Task.UPSCALE;
		r.observationNoise = -0.1;
		r.particles = 4;
		assertTrue(assertThrows(InvalidOptionException.class, r::validate).getMessage().contains("sigma_y -0.1"));
		r.observationNoise = 0.05;
		r.particles = 0;
		assertTrue(assertThrows(InvalidOptionException.class, r::validate).getMessage().contains("needs the " +
			"particle sampler"));
		r.particles = 4;
		r.factor = 1;
		assertTrue(assertThrows(InvalidOptionException.class, r::validate).getMessage().contains("factor 1"));
		r.factor = 2;
		r.uncertainty = true;
		assertTrue(assertThrows(InvalidOptionException.class, r::validate).getMessage().contains("2 or more results"));
		r.batch = 2;
		r.validate();
		r.sampler.name = "ode";
		assertTrue(assertThrows(InvalidOptionException.class, r::validate).getMessage().contains("leave the sampler"));
		final Restoration.Request edit = new Restoration.Request();
		edit.task = Restoration.Task.EDIT;
		edit.particles = 8;
		assertTrue(assertThrows(InvalidOptionException.class, edit::validate).getMessage().contains("edit has none"));
	}

	@Test
	void anImageOfTheWrongSizeForTheFactorIsRefused() {
		final PosteriorBenchmark.Problem p = PosteriorBenchmark.upscaling();
		final Restoration.Request r = p.request("pc", 5, 0, 1, 0);
		final float[] full = new float[16];
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Restoration.run(p.prior
			.score(manager), CONFIG, r, manager, full, 1, 1, 4, 4, null, new sc.fiji.scoresde.sampling.TorchNoise(0),
			new sc.fiji.scoresde.sampling.SamplingControl()));
		assertTrue(e.getMessage().contains("1×2×2"), e.getMessage());
	}
}
