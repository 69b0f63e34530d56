package sc.fiji.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.model.HostTensor;

/** The float32 tables of set_timesteps/set_sigmas against scheduler_tables.safetensors (diffusers 0.25, torch CPU). */
class SchedulerTablesTest {

	@Test
	void tablesMatchDiffusersForEveryStepCount() throws Exception {
		for (final String fixture : new String[] { "ncsnpp-tiny", "ncsnpp-deep" }) {
			final Map<String, HostTensor> tables = Fixtures.tensors(fixture, "scheduler_tables.safetensors");
			final SchedulerConfig config = SchedulerConfig.parse(new String(java.nio.file.Files.readAllBytes(Fixtures
				.dir(fixture).resolve("pipeline/scheduler/scheduler_config.json"))), fixture);
			for (final int n : new int[] { 1, 2, 3, 10, 1000, 2000 }) {
				final ScoreSdeVeScheduler s = new ScoreSdeVeScheduler(config);
				s.setTimesteps(n);
				s.setSigmas(n);
				final String p = "n" + n + ".";
				assertArrayEquals(tables.get(p + "timesteps").toFloatArray(), s.timesteps(), fixture + " " + p +
					"timesteps must be bit-identical");
				final long[] index = tables.get(p + "pred_index").toLongArray();
				final float[] t = s.timesteps();
				for (int i = 0; i < n; i++)
					assertTrue(index[i] == s.predictorIndex(t[i]), fixture + " " + p + "pred_index[" + i + "] " +
						s.predictorIndex(t[i]) + " vs " + index[i]);
				assertUlps(fixture + " " + p + "sigmas", tables.get(p + "sigmas").toFloatArray(), s.sigmas(), 2);
				assertUlps(fixture + " " + p + "discrete_sigmas", tables.get(p + "discrete_sigmas").toFloatArray(), s
					.discreteSigmas(), 2);
			}
		}
	}

	static void assertUlps(final String what, final float[] expected, final float[] actual, final int ulps) {
		assertTrue(expected.length == actual.length, what + ": length");
		for (int i = 0; i < expected.length; i++) {
			final float d = Math.abs(expected[i] - actual[i]);
			assertTrue(d <= ulps * Math.ulp(expected[i]), what + "[" + i + "] " + actual[i] + " vs " + expected[i]);
		}
	}
}
