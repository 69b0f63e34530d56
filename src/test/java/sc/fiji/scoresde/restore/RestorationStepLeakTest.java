package sc.fiji.scoresde.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.SchedulerConfig;
import sc.fiji.scoresde.sampling.TorchNoise;

/**
 * Every restoring method frees each step's arrays when the step ends: the arrays a run leaves in its manager do not
 * depend on the number of steps (an array computed from a long-lived operand, such as the observation, lands in that
 * operand's manager; the particle sampler once kept several per step that way, 8 GB over 1600 steps of 51200 particles).
 */
class RestorationStepLeakTest {

	static NDManager manager;
	static final SchedulerConfig CONFIG = PosteriorBenchmark.config(50);

	@BeforeAll
	static void start() {
		manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
	}

	@AfterAll
	static void stop() {
		manager.close();
	}

	private static int arraysLeft(final PosteriorBenchmark.Problem p, final Restoration.Request r) {
		TorchNoise.GENERATOR_LOCK.lock();
		try (NDManager run = manager.newSubManager()) {
			Restoration.run(p.prior.score(run), CONFIG, r, run, p.input, 1, p.channels, p.size, p.size, p.regenerate,
				new TorchNoise(r.seed), new SamplingControl());
			return run.getManagedArrays().size();
		}
		finally {
			TorchNoise.GENERATOR_LOCK.unlock();
		}
	}

	@Test
	void arraysLeftByARunDoNotGrowWithItsSteps() {
		final PosteriorBenchmark.Problem[] problems = { PosteriorBenchmark.inpainting(), PosteriorBenchmark
			.colorization(), PosteriorBenchmark.upscaling(), PosteriorBenchmark.denoising(), PosteriorBenchmark.editing() };
		final StringBuilder growing = new StringBuilder();
		for (final PosteriorBenchmark.Problem p : problems) {
			for (final boolean particles : p.task == Restoration.Task.EDIT ? new boolean[] { false } : new boolean[] {
				false, true })
			{
				final int[] left = new int[2];
				for (int i = 0; i < 2; i++) {
					final int steps = 6 + 10 * i;
					final Restoration.Request r = particles ? p.particleRequest(4, steps, 2, 1) : p.request(p.task ==
						Restoration.Task.DENOISE ? "em" : "pc", steps, 0, 2, 1);
					left[i] = arraysLeft(p, r);
				}
				if (left[0] != left[1]) growing.append(p.task).append(particles ? " with particles" : "").append(": ")
					.append(left[0]).append(" arrays left after 6 steps, ").append(left[1]).append(" after 16; ");
			}
		}
		assertEquals("", growing.toString());
	}
}
