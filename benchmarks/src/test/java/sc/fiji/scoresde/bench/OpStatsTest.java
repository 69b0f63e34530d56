package sc.fiji.scoresde.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.Engines;
import sc.fiji.scoresde.weights.PipelineFolder;

/** The per-operation counts of {@code bench --profile}, taken through the network's hook (ncsnpp-tiny). */
class OpStatsTest {

	private static NDManager manager;
	private static UNet2DModel unet;
	private static UNet2DConfig config;

	@BeforeAll
	static void load() throws Exception {
		final PipelineFolder folder = PipelineFolder.open(DefaultModel.extractTestModel(), true);
		config = folder.unetConfig;
		manager = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH);
		unet = new UNet2DModel(config, manager.newSubManager());
		unet.loadWeights(folder.readWeights(), "ncsnpp-tiny", w -> {});
	}

	@AfterAll
	static void close() {
		unet.close();
		manager.close();
	}

	private static float[] call(final int batch) {
		try (NDManager scope = manager.newSubManager()) {
			final float[] x = new float[batch * config.inChannels * config.height() * config.width()];
			for (int i = 0; i < x.length; i++)
				x[i] = (float) Math.sin(i);
			final NDArray in = scope.create(x, new Shape(batch, config.inChannels, config.height(), config.width()));
			return unet.forward(in, scope.full(new Shape(batch), 10f), null).toFloatArray();
		}
	}

	private static OpStats counted(final int batch, final boolean timing) {
		final OpStats s = OpStats.start(timing);
		try {
			call(batch);
		}
		finally {
			OpStats.stop();
		}
		return s;
	}

	@Test
	void everyKindOfLayerIsTimedAndFlopsScaleWithTheBatch() {
		final OpStats one = counted(1, true);
		assertEquals(Set.of("attention", "conv2d", "fir", "groupnorm", "linear", "silu"), one.times().keySet());
		for (final long[] t : one.times().values())
			assertTrue(t[0] > 0 && t[1] > 0);
		assertTrue(one.flops() > 1e6, "ncsnpp-tiny at 32²: " + one.flops() + " flops");
		assertEquals(one.flops(), counted(1, false).flops(), "counting alone gives the same flops");
		assertEquals(2 * one.flops(), counted(2, false).flops());
		assertTrue(counted(1, false).times().isEmpty(), "no timing unless asked");
	}

	@Test
	void nothingIsCountedAfterStopAndTheOutputIsTheSame() {
		final float[] plain = call(1);
		final OpStats s = OpStats.start(true);
		final float[] observed;
		try {
			observed = call(1);
		}
		finally {
			OpStats.stop();
		}
		final long flops = s.flops();
		assertArrayEquals(plain, observed, "the hook changes no pixel");
		assertArrayEquals(plain, call(1));
		assertEquals(flops, s.flops(), "a call after stop is not counted");
	}
}
