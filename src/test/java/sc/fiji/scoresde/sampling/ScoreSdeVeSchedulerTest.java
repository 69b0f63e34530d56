package sc.fiji.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/**
 * A port of diffusers' tests/schedulers/test_scheduler_score_sde_ve.py (v0.25.0) with the same expected numbers.
 * torch.manual_seed(0) is libtorch's generator seeded through DJL, as in {@link TorchNoise}.
 */
class ScoreSdeVeSchedulerTest {

	private static SchedulerConfig testConfig() {
		final SchedulerConfig c = new SchedulerConfig();
		c.numTrainTimesteps = 2000;
		c.snr = 0.15;
		c.sigmaMin = 0.01;
		c.sigmaMax = 1348;
		c.samplingEps = 1e-5;
		return c;
	}

	/** dummy_sample_deter: arange(4·3·8·8)/n reshaped (C, H, W, B) then permuted to (B, C, H, W). */
	private static NDArray dummySampleDeter(final NDManager m) {
		final int n = 4 * 3 * 8 * 8;
		return m.arange(0, n, 1, DataType.FLOAT32).div((float) n).reshape(3, 8, 8, 4).transpose(3, 0, 1, 2);
	}

	/** dummy_model: sample · t / (t + 1). */
	private static NDArray dummyModel(final NDArray sample, final float t) {
		return sample.mul(t).div(t + 1f);
	}

	@Test
	void fullLoopNoNoiseGivesDiffusersSumAndMean() {
		TorchNoise.GENERATOR_LOCK.lock();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final ScoreSdeVeScheduler scheduler = new ScoreSdeVeScheduler(testConfig());
			final int steps = 3;
			NDArray sample = dummySampleDeter(m);
			// the reference calls set_sigmas before set_timesteps, so sigmas stay those of the 2000 training steps
			scheduler.setSigmas(steps);
			scheduler.setTimesteps(steps);
			final NoiseSource generator = new TorchNoise(0);
			final float[] t = scheduler.timesteps();
			final float[] sigmas = scheduler.sigmas();
			for (int i = 0; i < t.length; i++) {
				for (int c = 0; c < scheduler.config().correctSteps; c++)
					sample = scheduler.stepCorrect(dummyModel(sample, sigmas[i]), sample, generator);
				sample = scheduler.stepPred(dummyModel(sample, sigmas[i]), t[i], sample, generator).prevSample;
			}
			final double sum = sample.abs().sum().getFloat();
			final double mean = sample.abs().mean().getFloat();
			assertClose(14372758528.0, sum);
			assertClose(18714530.0, mean);
		}
		finally {
			TorchNoise.GENERATOR_LOCK.unlock();
		}
	}

	/** np.isclose with its default tolerances (rtol 1e-5, atol 1e-8). */
	private static void assertClose(final double expected, final double actual) {
		assertTrue(Math.abs(actual - expected) <= 1e-8 + 1e-5 * Math.abs(expected), "expected " + expected + ", got " +
			actual);
	}

	@Test
	void stepShapeIsTheSampleShape() {
		TorchNoise.GENERATOR_LOCK.lock();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final ScoreSdeVeScheduler scheduler = new ScoreSdeVeScheduler(testConfig());
			final NDArray sample = m.randomUniform(0, 1, new Shape(4, 3, 8, 8));
			final NDArray residual = sample.mul(0.1f);
			final NDArray out0 = scheduler.stepPred(residual, 0f, sample, new TorchNoise(0)).prevSample;
			final NDArray out1 = scheduler.stepPred(residual, 1f, sample, new TorchNoise(0)).prevSample;
			assertEquals(sample.getShape(), out0.getShape());
			assertEquals(out0.getShape(), out1.getShape());
		}
		finally {
			TorchNoise.GENERATOR_LOCK.unlock();
		}
	}

	/** check_over_configs: a scheduler rebuilt from its saved config steps identically (same seed). */
	@Test
	void savedAndReloadedConfigStepsIdentically() {
		final int[] trainSteps = { 10, 100, 1000 };
		final double[][] sigmaRanges = { { 0.0001, 1 }, { 0.001, 100 }, { 0.01, 1000 } };
		TorchNoise.GENERATOR_LOCK.lock();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			for (int k = 0; k < 3; k++) {
				final SchedulerConfig c = testConfig();
				c.numTrainTimesteps = trainSteps[k];
				c.sigmaMin = sigmaRanges[k][0];
				c.sigmaMax = sigmaRanges[k][1];
				final SchedulerConfig reloaded = SchedulerConfig.parse(c.toJson(), "saved config");
				final ScoreSdeVeScheduler a = new ScoreSdeVeScheduler(c);
				final ScoreSdeVeScheduler b = new ScoreSdeVeScheduler(reloaded);
				final NDArray sample = m.randomUniform(0, 1, new Shape(4, 3, 8, 8));
				final NDArray residual = sample.mul(0.1f);
				for (final float t : new float[] { 0f, 0.1f, 0.5f, 0.75f }) {
					final float[] pa = a.stepPred(residual, t, sample, new TorchNoise(0)).prevSample.toFloatArray();
					final float[] pb = b.stepPred(residual, t, sample, new TorchNoise(0)).prevSample.toFloatArray();
					assertArrayEquals(pa, pb, 1e-5f / pa.length);
				}
				final float[] ca = a.stepCorrect(residual, sample, new TorchNoise(0)).toFloatArray();
				final float[] cb = b.stepCorrect(residual, sample, new TorchNoise(0)).toFloatArray();
				assertArrayEquals(ca, cb, 1e-5f / ca.length);
			}
		}
		finally {
			TorchNoise.GENERATOR_LOCK.unlock();
		}
	}

	@Test
	void correctorStepSizeIsSharedAcrossTheBatch() {
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final SchedulerConfig c = testConfig();
			final ScoreSdeVeScheduler s = new ScoreSdeVeScheduler(c);
			s.setTimesteps(10);
			// two samples whose scores differ in norm by 10×; a shared step moves both by the same multiple of the score
			final NDArray sample = m.zeros(new Shape(2, 1, 2, 2));
			final NDArray score = m.create(new float[] { 1, 1, 1, 1, 10, 10, 10, 10 }, new Shape(2, 1, 2, 2));
			final NoiseSource zero = (mm, shape) -> mm.zeros(shape);
			final NoiseSource ones = (mm, shape) -> mm.ones(shape);
			// with zero noise the step size is 0; with unit noise ‖z‖ = 2 for both samples
			final float[] out = s.stepCorrect(score, sample, ones).toFloatArray();
			final float gradNorm = (2f + 20f) / 2f;
			final float step = (float) Math.pow(0.15f * 2f / gradNorm, 2) * 2f;
			assertEquals(step * 1f + (float) Math.sqrt(2 * step), out[0], 1e-6f);
			assertEquals(step * 10f + (float) Math.sqrt(2 * step), out[4], 1e-6f);
			assertArrayEquals(new float[8], s.stepCorrect(score, sample, zero).toFloatArray());
		}
	}
}
