package sc.fiji.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.Fixtures;

/** torch.manual_seed(0); randn(2,3,32,32); randn(7) — rng.safetensors made by torch 1.13 on CPU. */
class TorchNoiseTest {

	@Test
	void drawsEqualTorchRandnAfterManualSeed() throws Exception {
		final var ref = Fixtures.tensors("ncsnpp-tiny", "rng.safetensors");
		TorchNoise.GENERATOR_LOCK.lock();
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final TorchNoise noise = new TorchNoise(0);
			assertArrayEquals(ref.get("randn_2x3x32x32").toFloatArray(), noise.normal(m, new Shape(2, 3, 32, 32))
				.toFloatArray(), 1e-6f);
			assertArrayEquals(ref.get("randn_then_7").toFloatArray(), noise.normal(m, new Shape(7)).toFloatArray(),
				1e-6f);
		}
		finally {
			TorchNoise.GENERATOR_LOCK.unlock();
		}
	}
}
