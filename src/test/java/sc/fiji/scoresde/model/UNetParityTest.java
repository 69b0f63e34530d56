package sc.fiji.scoresde.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.model.HostTensor;

/** Per-block parity of one UNet call against diffusers' activations in each fixture's unet_io.safetensors. */
class UNetParityTest {

	static Iterable<String> fixtures() {
		return Fixtures.ALL;
	}

	@ParameterizedTest
	@MethodSource("fixtures")
	void everyBlockMatchesDiffusers(final String fixture) throws Exception {
		final Map<String, HostTensor> io = Fixtures.tensors(fixture, "unet_io.safetensors");
		try (LoadedModel model = LoadedModel.load(Fixtures.dir(fixture).resolve("pipeline"), Device.cpu(), w -> {});
			NDManager m = NDManager.newBaseManager(Device.cpu()))
		{
			assertEquals(Fixtures.readme(fixture).get("unet_params").getAsLong(), model.unet().parameterCount(),
				"parameter count");
			final NDArray sample = array(m, io.get("input.sample"));
			final NDArray sigma = array(m, io.get("input.sigma"));
			final Map<String, float[]> acts = new HashMap<>();
			final Map<String, long[]> shapes = new HashMap<>();
			final NDArray out = model.unet().forward(sample, sigma, (name, value) -> {
				acts.put(name, value.toFloatArray());
				shapes.put(name, value.getShape().getShape());
			});
			int compared = 0;
			for (final Map.Entry<String, HostTensor> kv : io.entrySet()) {
				if (!kv.getKey().startsWith("act.")) continue;
				assertTrue(acts.containsKey(kv.getKey()), fixture + ": no activation recorded for " + kv.getKey() +
					" (recorded: " + acts.keySet() + ")");
				Fixtures.assertClose(fixture + " " + kv.getKey(), kv.getValue(), acts.get(kv.getKey()), shapes.get(kv
					.getKey()));
				compared++;
			}
			assertTrue(compared > 5, "compared " + compared + " activations");
			Fixtures.assertClose(fixture + " output.sample", io.get("output.sample"), out.toFloatArray(), out
				.getShape().getShape());

			final float scalar = io.get("input.scalar_sigma").toFloatArray()[0];
			final NDArray outScalar = model.unet().forward(sample, m.create(scalar), null);
			Fixtures.assertClose(fixture + " output.scalar_sigma_sample", io.get("output.scalar_sigma_sample"),
				outScalar.toFloatArray(), outScalar.getShape().getShape());
		}
	}

	static NDArray array(final NDManager m, final HostTensor t) {
		return m.create(t.toFloatArray(), new Shape(t.shape()));
	}
}
