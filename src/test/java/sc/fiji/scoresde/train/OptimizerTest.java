package sc.fiji.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.model.Parameter;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;

/** Adam (warm-up, clipping, bias correction), the EMA schedule and the initial weights, against hand-worked values. */
class OptimizerTest {

	/** One real parameter of a tiny model, to drive Adam and the EMA with. */
	private static Parameter parameter(final UNet2DModel unet) {
		return unet.parameters().parameters().get("conv_out.bias");
	}

	private static UNet2DModel tiny(final NDManager m) throws Exception {
		final UNet2DConfig c = UNet2DConfig.parse(new String(java.nio.file.Files.readAllBytes(TrainingTestData
			.tinyArchitecturePath())), "tiny");
		final UNet2DModel unet = new UNet2DModel(c, m);
		unet.loadWeights(WeightInit.stateDict(unet, 1), "init", w -> {});
		return unet;
	}

	@Test
	void adamFollowsTorchsUpdateWithWarmupAndClipping() throws Exception {
		try (NDManager m = NDManager.newBaseManager(Device.cpu()); UNet2DModel unet = tiny(m.newSubManager())) {
			final Parameter p = parameter(unet);
			final float w0 = p.get().toFloatArray()[0];
			final Adam adam = new Adam(0.1, 2, -1);
			final NDArray g = m.create(new float[] { 3f });
			// update 0 of a 2-step warm-up has rate 0: weight unchanged, moments filled
			adam.update(List.of(p), Map.of(p.key(), g), m);
			assertEquals(w0, p.get().toFloatArray()[0], 0f);
			assertEquals(0.1f * 3f, adam.firstMoments().get(p.key()).toFloatArray()[0], 1e-6f);
			assertEquals(0.001f * 9f, adam.secondMoments().get(p.key()).toFloatArray()[0], 1e-7f);
			// update 1: rate 0.05; with a constant gradient the bias-corrected step is lr·g/(|g| + ε')
			adam.update(List.of(p), Map.of(p.key(), g), m);
			assertEquals(w0 - 0.05f, p.get().toFloatArray()[0], 1e-6f);
			assertEquals(0.1, adam.learningRate(2), 0);
			assertEquals(0.1, adam.learningRate(100), 0);
			assertEquals(2, adam.updates());

			// clipping to norm 1 scales the gradient by 1/(norm + 1e-6) before the moments see it
			final Adam clipped = new Adam(0.1, 0, 1.0);
			final double norm = clipped.update(List.of(p), Map.of(p.key(), m.create(new float[] { -4f })), m);
			assertEquals(4, norm, 1e-6);
			assertEquals(0.1f * -1f, clipped.firstMoments().get(p.key()).toFloatArray()[0], 1e-6f);

			assertThrows(IllegalStateException.class, () -> clipped.update(List.of(p), Map.of(p.key(), m.create(
				new float[] { Float.NaN })), m));
		}
	}

	@Test
	void aCosineScheduleFallsFromTheWarmedUpRateToZeroAtItsEnd() {
		final Adam cosine = new Adam(0.1, 2, -1, 10);
		assertEquals(0, cosine.learningRate(0), 0);
		assertEquals(0.05, cosine.learningRate(1), 1e-15);
		assertEquals(0.1, cosine.learningRate(2), 1e-15);
		// from the end of the warm-up (2) to the end (10): a quarter of the way (1 + cos(π/4))/2, half way 1/2
		assertEquals(0.1 * (1 + Math.sqrt(0.5)) / 2, cosine.learningRate(4), 1e-15);
		assertEquals(0.05, cosine.learningRate(6), 1e-15);
		assertEquals(0, cosine.learningRate(10), 1e-15);
		assertEquals(0, cosine.learningRate(50), 1e-15);
		for (int step = 3; step <= 10; step++)
			assertTrue(cosine.learningRate(step) < cosine.learningRate(step - 1), "falls at update " + step);
		// without an end the rate stays, as score_sde_pytorch keeps it
		assertEquals(0.1, new Adam(0.1, 2, -1).learningRate(1000), 0);
	}

	@Test
	void emaUsesTheNumberOfUpdatesEarlyOn() throws Exception {
		try (NDManager m = NDManager.newBaseManager(Device.cpu()); UNet2DModel unet = tiny(m.newSubManager())) {
			final Parameter p = parameter(unet);
			final Ema ema = new Ema(0.999);
			ema.start(unet.parameters().parameters().values());
			final float w0 = p.get().toFloatArray()[0];
			p.get().addi(1f);
			ema.update(List.of(p), m);
			// decay_1 = min(0.999, 2/11): the shadow moves 9/11 of the way
			assertEquals(w0 + 9f / 11f, ema.shadow().get(p.key()).toFloatArray()[0], 1e-6f);
			for (int i = 0; i < 5000; i++)
				ema.update(List.of(p), m);
			assertEquals(w0 + 1f, ema.shadow().get(p.key()).toFloatArray()[0], 1e-3f);
			assertThrows(IllegalArgumentException.class, () -> new Ema(1.0));
		}
	}

	@Test
	void initialWeightsFollowPyTorchsDefaults() throws Exception {
		try (NDManager m = NDManager.newBaseManager(Device.cpu()); UNet2DModel unet = tiny(m.newSubManager())) {
			final Map<String, Parameter> ps = unet.parameters().parameters();
			// conv_in: fan_in 1·3·3 = 9, so weights and bias within ±1/3, and not all tiny
			final float[] w = ps.get("conv_in.weight").get().toFloatArray();
			float max = 0;
			for (final float v : w)
				max = Math.max(max, Math.abs(v));
			assertTrue(max <= 1 / 3f && max > 0.25f, "conv_in bound " + max);
			for (final float v : ps.get("conv_in.bias").get().toFloatArray())
				assertTrue(Math.abs(v) <= 1 / 3f);
			assertArrayEquals(new float[] { 1, 1, 1, 1, 1, 1, 1, 1 }, ps.get("down_blocks.0.resnets.0.norm1.weight").get()
				.toFloatArray());
			assertArrayEquals(new float[8], ps.get("down_blocks.0.resnets.0.norm1.bias").get().toFloatArray());
			final float[] fourier = ps.get(WeightInit.FOURIER_WEIGHT).get().toFloatArray();
			double sq = 0;
			for (final float v : fourier)
				sq += v * v;
			final double std = Math.sqrt(sq / fourier.length);
			assertTrue(std > 8 && std < 24, "Fourier projection std " + std + " (N(0, 16²))");
		}
	}
}
