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

import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.sampling.GaussianMixture;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.SchedulerConfig;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.ScoreSdeVeScheduler;
import sc.fiji.scoresde.sampling.TorchNoise;

/**
 * The conditional methods against exact Gaussian-mixture posteriors (PosteriorBenchmark), and the replacement
 * inpainter against a plain re-implementation of score_sde's get_pc_inpainter on the ncsnpp-tiny test model.
 */
class RestorationTest {

	static NDManager manager;
	static final int SAMPLES = 2000;

	@BeforeAll
	static void start() {
		manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
	}

	@AfterAll
	static void stop() {
		manager.close();
	}

	private static PosteriorBenchmark.Errors run(final PosteriorBenchmark.Problem p, final String sampler,
		final int steps, final int resamplings, final int[] calls)
	{
		return p.errors(p.run(manager, PosteriorBenchmark.config(), p.request(sampler, steps, resamplings, SAMPLES, 0),
			calls));
	}

	@Test
	void posteriorOfOneGaussianIsTheTextbookConditional() {
		// x ~ N((1, 2), [[1, 0.8], [0.8, 2]]), observe x1 = 3: mean 2 + 0.8·2 = 3.6, variance 2 − 0.64 = 1.36
		final GaussianMixture g = new GaussianMixture(new double[] { 1 }, new double[][] { { 1, 2 } },
			new double[][][] { { { 1, 0.8 }, { 0.8, 2 } } });
		final GaussianMixture post = g.posterior(new double[][] { { 1, 0 } }, 0, new double[] { 3 });
		assertEquals(3, post.means[0][0], 1e-12);
		assertEquals(3.6, post.means[0][1], 1e-12);
		assertEquals(1.36, post.covariances[0][1][1], 1e-12);
		assertEquals(0, post.covariances[0][0][0], 1e-12);
	}

	@Test
	void tweedieMeanEqualsTheExactPosteriorMean() {
		final PosteriorBenchmark.Problem p = PosteriorBenchmark.denoising();
		final Restoration.Request r = p.request("pc", 1, 0, 1, 0);
		r.posteriorMean = true;
		final int[] calls = new int[1];
		final float[] mean = p.run(manager, PosteriorBenchmark.config(), r, calls);
		final double[] exact = PosteriorBenchmark.denoisingPosterior(p).mean();
		assertEquals(1, calls[0]);
		for (int i = 0; i < exact.length; i++)
			assertEquals(exact[i], mean[i], 1e-5, "coordinate " + i);
	}

	@Test
	void denoisingSamplesMatchTheExactPosteriorAtTheNoiseFloor() {
		final PosteriorBenchmark.Problem p = PosteriorBenchmark.denoising();
		final int[] calls = new int[1];
		final PosteriorBenchmark.Errors e = run(p, "em", 1000, 0, calls);
		assertEquals(1000, calls[0]);
		final double ratio = e.ratio(p.floor(SAMPLES));
		assertTrue(ratio <= 2, "denoising em errors are " + ratio + "× the exact-sample floor");
	}

	@Test
	void sdeditSamplesMatchTheExactTwoStageDraws() {
		final PosteriorBenchmark.Problem p = PosteriorBenchmark.editing();
		final PosteriorBenchmark.Errors e = run(p, "em", 1000, 0, new int[1]);
		final double ratio = e.ratio(p.floor(SAMPLES));
		assertTrue(ratio <= 3, "SDEdit em errors are " + ratio + "× the exact-sample floor");
	}

	@Test
	void resamplingInpaintsCloserToThePosteriorThanPlainReplacementAndKeepsTheKnownPixels() {
		final PosteriorBenchmark.Problem p = PosteriorBenchmark.inpainting();
		final PosteriorBenchmark.Errors floor = p.floor(SAMPLES);
		final int[] calls = new int[1];
		final float[] plain = p.run(manager, PosteriorBenchmark.config(), p.request("pc", 500, 0, SAMPLES, 0), calls);
		assertEquals(1000, calls[0]);
		final float[] resampled = p.run(manager, PosteriorBenchmark.config(), p.request("pc", 125, 3, SAMPLES, 0),
			calls);
		assertEquals(994, calls[0]);
		final double plainRatio = p.errors(plain).ratio(floor);
		final double resampledRatio = p.errors(resampled).ratio(floor);
		assertTrue(resampledRatio < plainRatio, "resampling " + resampledRatio + " vs plain " + plainRatio);
		assertTrue(resampledRatio < 10, "resampling errors are " + resampledRatio + "× the floor");
		for (int s = 0; s < SAMPLES; s += 97)
			for (int j = 0; j < 16; j++)
				if (p.regenerate[j] == 0) assertEquals(p.input[j], resampled[s * 16 + j], 0f, "known pixel " + j);
	}

	@Test
	void colorizationKeepsTheGreyValueAndRefusesGreyModels() {
		final PosteriorBenchmark.Problem p = PosteriorBenchmark.colorization();
		final float[] x = p.run(manager, PosteriorBenchmark.config(), p.request("pc", 100, 0, 50, 0), new int[1]);
		for (int s = 0; s < 50; s++)
			for (int q = 0; q < 4; q++)
				assertEquals(p.input[q], (x[s * 12 + q] + x[s * 12 + 4 + q] + x[s * 12 + 8 + q]) / 3, 1e-5);
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Restoration.run(
			(xx, sg) -> xx, PosteriorBenchmark.config(), p.request("pc", 2, 0, 1, 0), manager, new float[4], 1, 1, 2, 2,
			null, (m, s) -> m.zeros(s), new SamplingControl()));
		assertTrue(e.getMessage().contains("3-channel"), e.getMessage());
	}

	@Test
	void badMasksAndPixelsAreRefused() {
		final PosteriorBenchmark.Problem p = PosteriorBenchmark.inpainting();
		final float[][] masks = { new float[16], filled(16, 1), new float[15], filled(16, 0.5f) };
		final String[] words = { "empty", "whole image", "15 pixels", "0 (keep) or 1" };
		for (int i = 0; i < masks.length; i++) {
			final float[] mask = masks[i];
			final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Restoration.run(p
				.prior.score(manager), PosteriorBenchmark.config(), p.request("pc", 2, 0, 1, 0), manager, p.input, 1, 1,
				4, 4, mask, (m, s) -> m.zeros(s), new SamplingControl()));
			assertTrue(e.getMessage().contains(words[i]), e.getMessage());
		}
		final float[] nan = p.input.clone();
		nan[3] = Float.NaN;
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Restoration.run(p.prior
			.score(manager), PosteriorBenchmark.config(), p.request("pc", 2, 0, 1, 0), manager, nan, 1, 1, 4, 4,
			p.regenerate, (m, s) -> m.zeros(s), new SamplingControl()));
		assertTrue(e.getMessage().contains("NaN"), e.getMessage());
		final Restoration.Request ode = PosteriorBenchmark.denoising().request("ode", 1, 0, 4, 0);
		assertThrows(IllegalArgumentException.class, ode::validate);
	}

	@Test
	void noiseLevelEstimateRecoversSigmaOnASmoothImage() {
		final java.util.Random r = new java.util.Random(5);
		for (final double sigma : new double[] { 0.05, 0.1, 0.2 }) {
			final float[] img = new float[64 * 64];
			for (int y = 0; y < 64; y++)
				for (int x = 0; x < 64; x++)
					img[y * 64 + x] = (float) (0.5 + 0.3 * Math.sin(x / 9.0) * Math.cos(y / 7.0) + sigma * r.nextGaussian());
			final double estimate = NoiseLevel.estimate(img, 1, 64, 64);
			assertEquals(sigma, estimate, 0.1 * sigma, "estimate of sigma " + sigma);
		}
	}

	private static float[] filled(final int n, final float v) {
		final float[] a = new float[n];
		java.util.Arrays.fill(a, v);
		return a;
	}

	/**
	 * score_sde's get_pc_inpainter, written out from its formulas with diffusers' scheduler arithmetic: x = y·m +
	 * prior·(1 − m); per step: Langevin corrector, replace known pixels by y + σ_t·z, reverse-diffusion predictor,
	 * replace again at the same σ_t; the result is the last predictor mean with the known pixels put back.
	 */
	@Test
	void replacementInpainterEqualsScoreSdeUpdateOrderOnNcsnppTiny() throws Exception {
		try (LoadedModel loaded = LoadedModel.load(DefaultModel.extractTestModel(), Device.cpu(), line -> {})) {
			final SchedulerConfig config = loaded.schedulerConfig();
			final ScoreModel model = loaded.scoreModel();
			final int steps = 4, size = 32, plane = size * size;
			final float[] image = new float[3 * plane];
			final float[] regenerate = new float[plane];
			for (int i = 0; i < image.length; i++)
				image[i] = (i % 7) / 7f;
			for (int y = 8; y < 20; y++)
				for (int x = 10; x < 24; x++)
					regenerate[y * size + x] = 1;
			final Restoration.Request request = new Restoration.Request();
			request.sampler.steps = steps;
			request.seed = 3L;
			final NDArray ours;
			final float[] expected;
			TorchNoise.GENERATOR_LOCK.lock();
			try (NDManager run = manager.newSubManager()) {
				ours = Restoration.run(model, config, request, run, image, 1, 3, size, size, regenerate,
					new TorchNoise(3), new SamplingControl()).images;
				final float[] got = ours.toFloatArray();
				final TorchNoise noise = new TorchNoise(3);
				final Shape shape = new Shape(1, 3, size, size);
				final NDArray y = run.create(image, shape);
				final float[] known = new float[plane];
				for (int i = 0; i < plane; i++)
					known[i] = 1 - regenerate[i];
				final NDArray m = run.create(known, new Shape(1, 1, size, size));
				final NDArray keep = m.neg().add(1f);
				final ScoreSdeVeScheduler s = new ScoreSdeVeScheduler(config);
				s.setTimesteps(steps);
				s.setSigmas(steps);
				NDArray x = noise.normal(run, shape).mul((float) config.sigmaMax).mul(keep).add(y.mul(m));
				NDArray mean = null;
				for (int i = 0; i < steps; i++) {
					final float sigma = s.sigmas()[i];
					NDArray score = model.score(x, sigma);
					NDArray z = noise.normal(run, shape);
					final float gradNorm = norm(score), noiseNorm = norm(z);
					final float ratio = (float) config.snr * noiseNorm / gradNorm;
					final float step = ratio * ratio * 2f;
					x = x.add(score.mul(step)).add(z.mul((float) Math.sqrt(step * 2f)));
					x = x.mul(keep).add(y.add(noise.normal(run, shape).mul(sigma)).mul(m));
					score = model.score(x, sigma);
					z = noise.normal(run, shape);
					final float g = s.diffusion(s.timesteps()[i]);
					mean = x.add(score.mul(g * g));
					x = mean.add(z.mul(g));
					x = x.mul(keep).add(y.add(noise.normal(run, shape).mul(sigma)).mul(m));
				}
				expected = mean.mul(keep).add(y.mul(m)).toFloatArray();
				double worst = 0;
				for (int i = 0; i < got.length; i++)
					worst = Math.max(worst, Math.abs(got[i] - expected[i]));
				assertTrue(worst <= 1e-5, "max |Δ| " + worst);
				for (int i = 0; i < plane; i++)
					if (regenerate[i] == 0) assertEquals(image[i], got[i], 0f);
			}
			finally {
				TorchNoise.GENERATOR_LOCK.unlock();
			}
		}
	}

	private static float norm(final NDArray a) {
		return a.reshape(1, -1).square().sum().sqrt().getFloat();
	}
}
