package sc.fiji.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every sampler on the exact score of a Gaussian mixture: with enough calls each recovers the truth; budgets,
 * schedules and cancellation behave as documented.
 */
class SamplersTest {

	static NDManager manager;
	static MixtureBenchmark single;
	static MixtureBenchmark mixture;
	static SchedulerConfig config;

	@BeforeAll
	static void start() {
		manager = NDManager.newBaseManager(Device.cpu());
		single = new MixtureBenchmark(1, 1, 4, 0.3, 3);
		mixture = new MixtureBenchmark(3, 1, 4, 0.05, 5);
		config = new SchedulerConfig();
		config.sigmaMin = 0.01;
		config.sigmaMax = 20;
	}

	@AfterAll
	static void stop() {
		manager.close();
	}

	static NDArray run(final Sampler s, final MixtureBenchmark m, final int n, final SamplingControl control) {
		TorchNoise.GENERATOR_LOCK.lock();
		try {
			return s.sample(m.score(manager), manager, m.shape(n), new TorchNoise(42), control);
		}
		finally {
			TorchNoise.GENERATOR_LOCK.unlock();
		}
	}

	static Sampler sampler(final String name, final int steps) {
		final SamplerOptions o = new SamplerOptions();
		o.name = name;
		o.steps = steps;
		o.odeTolerance = 1e-4;
		return o.create(config);
	}

	@Test
	void everySamplerRecoversASingleGaussian() {
		for (final String name : SamplerOptions.NAMES) {
			final int steps = name.equals("heun") ? 40 : 200;
			final SamplerOptions o = new SamplerOptions();
			o.name = name;
			o.steps = steps;
			o.odeTolerance = 1e-4;
			// annealed Langevin needs several corrector steps per noise level to relax (NCSN used 100)
			if (name.equals("ald")) o.correctSteps = 10;
			final MixtureBenchmark.Errors e = single.errors(run(o.create(config), single, 2000, new SamplingControl()));
			// 2000 samples of N(μ, 0.3²) in 16 dimensions: the estimators' own noise is ~0.007 for the mean
			assertTrue(e.mean < 0.03, name + ": mean error " + e.mean);
			assertTrue(e.std < 0.03, name + ": std error " + e.std);
		}
	}

	@Test
	void heunAndOdeFindTheModeProportionsWithFewCalls() {
		final MixtureBenchmark.Errors floor = mixture.errors(mixture.exactSamples(2000, 9));
		for (final Sampler s : new Sampler[] { sampler("heun", 25), sampler("ode", 1) }) {
			final SamplingControl control = new SamplingControl();
			final MixtureBenchmark.Errors e = mixture.errors(run(s, mixture, 2000, control));
			assertTrue(control.calls() <= 150, s.name() + " used " + control.calls() + " calls");
			assertTrue(e.proportion < floor.proportion + 0.04, s.name() + ": proportion error " + e.proportion +
				" (exact samples: " + floor.proportion + ")");
			assertTrue(e.std < 0.01, s.name() + ": std error " + e.std);
		}
	}

	@Test
	void callBudgetsAreAsDocumented() {
		assertEquals(39, sampler("heun", 20).plannedCalls());
		assertEquals(40, sampler("pc", 20).plannedCalls());
		assertEquals(20, sampler("em", 20).plannedCalls());
		assertEquals(-1, sampler("ode", 20).plannedCalls());
		for (final String name : new String[] { "heun", "pc", "em", "ancestral", "reverse-diffusion", "ald" }) {
			final Sampler s = sampler(name, 7);
			final SamplingControl control = new SamplingControl();
			run(s, single, 4, control);
			assertEquals(s.plannedCalls(), control.calls(), name);
		}
	}

	@Test
	void karrasScheduleRunsFromSigmaMaxToSigmaMinThenZero() {
		final double[] s = new HeunSampler(VeSde.of(config), 10, 7, 0).sigmas();
		assertEquals(11, s.length);
		assertEquals(20, s[0], 1e-9);
		assertEquals(0.01, s[9], 1e-12);
		assertEquals(0, s[10]);
		for (int i = 1; i < 10; i++)
			assertTrue(s[i] < s[i - 1]);
	}

	@Test
	void deterministicSamplersGiveTheSameSamplesForTheSameNoise() {
		for (final String name : new String[] { "heun", "ode" }) {
			final float[] a = run(sampler(name, 10), mixture, 8, new SamplingControl()).toFloatArray();
			final float[] b = run(sampler(name, 10), mixture, 8, new SamplingControl()).toFloatArray();
			assertTrue(java.util.Arrays.equals(a, b), name);
		}
	}

	@Test
	void churnMakesHeunStochastic() {
		final SamplerOptions o = new SamplerOptions();
		o.name = "heun";
		o.steps = 10;
		o.churn = 10.0;
		final float[] a = run(o.create(config), mixture, 4, new SamplingControl()).toFloatArray();
		final float[] b = run(sampler("heun", 10), mixture, 4, new SamplingControl()).toFloatArray();
		assertTrue(!java.util.Arrays.equals(a, b));
	}

	@Test
	void everySamplerStopsWithinOneCallWhenCancelled() {
		for (final String name : SamplerOptions.NAMES) {
			final AtomicInteger seen = new AtomicInteger();
			final SamplingControl control = new SamplingControl().listener((done, total) -> seen.set(done))
				.cancelledWhen(() -> seen.get() >= 5);
			assertThrows(SamplingCancelledException.class, () -> run(sampler(name, 100), single, 4, control), name);
			assertEquals(5, control.calls(), name + " made no call after the cancel");
		}
	}

	@Test
	void odeSolverGivesUpClearlyAfterItsCallLimit() {
		final SamplerOptions o = new SamplerOptions();
		o.name = "ode";
		o.odeTolerance = 1e-9;
		o.odeMaxCalls = 30;
		final IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(o.create(config), mixture,
			4, new SamplingControl()));
		assertTrue(e.getMessage().contains("more than 30 network calls"), e.getMessage());
	}

	@Test
	void odeProgressReportsTheNoiseLevelReachedFromSigmaMaxToTheEnd() {
		final java.util.List<double[]> reached = new java.util.ArrayList<>();
		final SamplingControl control = new SamplingControl().listener(new SamplingListener() {

			@Override
			public void networkCallDone(final int done, final int total) {
				assertEquals(-1, total);
			}

			@Override
			public void noiseLevelReached(final double sigma, final double fraction) {
				reached.add(new double[] { sigma, fraction });
			}
		});
		run(sampler("ode", 1), mixture, 8, control);
		assertTrue(reached.size() >= 3, "steps reported: " + reached.size());
		for (int i = 1; i < reached.size(); i++) {
			assertTrue(reached.get(i)[0] < reached.get(i - 1)[0], "sigma falls step by step");
			assertTrue(reached.get(i)[1] > reached.get(i - 1)[1], "the fraction grows step by step");
		}
		final double[] last = reached.get(reached.size() - 1);
		assertEquals(1.0, last[1], 0.0, "the last step lands on the end exactly");
		assertEquals(VeSde.of(config).sigma(config.samplingEps), last[0], 1e-9);
		// log σ is linear in t: the fraction of a step is the share of log(σmax/σ) in log(σmax/σ(ε))
		final double[] mid = reached.get(reached.size() / 2);
		final double share = Math.log(config.sigmaMax / mid[0]) / Math.log(config.sigmaMax / last[0]);
		assertEquals(share, mid[1], 1e-9);
	}
}
