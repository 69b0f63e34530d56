package sc.fiji.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.model.HostTensor;

/** Whole ScoreSdeVePipeline runs against trajectory.safetensors: every intermediate sample, then seed-only runs. */
class TrajectoryParityTest {

	static Iterable<String> fixtures() {
		return Fixtures.ALL;
	}

	private static int meta(final String fixture, final String key) throws Exception {
		return Fixtures.readme(fixture).getAsJsonObject("config").get(key).getAsInt();
	}

	@ParameterizedTest
	@MethodSource("fixtures")
	void everyIntermediateMatchesWithTheReferenceNoiseInjected(final String fixture) throws Exception {
		final Map<String, HostTensor> ref = Fixtures.tensors(fixture, "trajectory.safetensors");
		final int steps = meta(fixture, "steps");
		final int batch = meta(fixture, "batch");
		final int correct = new ScoreSdeVeScheduler(load(fixture).schedulerConfig()).config().correctSteps;
		final Deque<HostTensor> draws = new ArrayDeque<>();
		draws.add(ref.get("init_noise"));
		for (int i = 0; i < steps; i++) {
			for (int c = 0; c < correct; c++)
				draws.add(ref.get("step" + i + ".correct" + c + ".noise"));
			draws.add(ref.get("step" + i + ".pred.noise"));
		}
		final NoiseSource replay = (m, shape) -> {
			final HostTensor t = draws.removeFirst();
			assertArrayEquals(t.shape(), shape.getShape(), "noise draw shape");
			return m.create(t.toFloatArray(), shape);
		};
		final Map<String, float[]> seen = new HashMap<>();
		try (LoadedModel model = load(fixture); NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final SamplingControl control = new SamplingControl().observer((name, value) -> seen.put(name, value
				.toFloatArray()));
			final HostTensor init = ref.get("init_noise");
			final NDArray images = new PredictorCorrectorSampler(model.schedulerConfig(), steps).sample(model
				.scoreModel(), m, new Shape(init.shape()), replay, control).clip(0f, 1f);
			assertTrue(draws.isEmpty(), "all reference draws consumed");
			int compared = 0;
			for (final Map.Entry<String, HostTensor> kv : ref.entrySet()) {
				final String k = kv.getKey();
				if (!k.startsWith("step") || k.endsWith(".noise")) continue;
				assertTrue(seen.containsKey(k), "sampler reported no " + k);
				Fixtures.assertClose(fixture + " " + k, kv.getValue().toFloatArray(), seen.get(k), 1e-4);
				compared++;
			}
			assertEquals(steps * (correct * 2 + 3), compared, "intermediates compared");
			final float[] nhwc = images.transpose(0, 2, 3, 1).toFloatArray();
			Fixtures.assertFinalImageClose(fixture + " image.float_nhwc", fixture, nhwc);
			assertEquals(batch, images.getShape().get(0));
		}
	}

	@ParameterizedTest
	@MethodSource("fixtures")
	void seedAloneReproducesTheDrawsAndThePixels(final String fixture) throws Exception {
		final Map<String, HostTensor> ref = Fixtures.tensors(fixture, "trajectory.safetensors");
		final GenerationRequest request = new GenerationRequest();
		request.sampler.steps = meta(fixture, "steps");
		request.batch = meta(fixture, "batch");
		request.seed = (long) meta(fixture, "seed");
		final Map<String, float[]> noise = new HashMap<>();
		final GenerationService.Hooks hooks = new GenerationService.Hooks();
		hooks.observer = (name, value) -> {
			if (name.endsWith("noise")) noise.put(name, value.toFloatArray());
		};
		final GeneratedImages images;
		try (LoadedModel model = load(fixture)) {
			images = GenerationService.generate(model, request, hooks);
		}
		int draws = 0;
		for (final Map.Entry<String, HostTensor> kv : ref.entrySet()) {
			if (!kv.getKey().endsWith("noise")) continue;
			final float[] expected = kv.getValue().toFloatArray();
			final float[] actual = noise.get(kv.getKey());
			for (int i = 0; i < expected.length; i++)
				assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-6, fixture + " " + kv.getKey() + "[" + i + "] " +
					actual[i] + " vs " + expected[i]);
			draws++;
		}
		assertEquals(noise.size(), draws, "every draw compared");
		final long[] expected = ref.get("image.uint8_nhwc").toLongArray();
		final byte[] actual = images.toUint8();
		int same = 0;
		for (int i = 0; i < expected.length; i++)
			if ((actual[i] & 0xff) == expected[i]) same++;
		final double fraction = same / (double) expected.length;
		assertTrue(fraction >= 0.995, fixture + ": only " + fraction + " of uint8 pixels identical");
	}

	static LoadedModel load(final String fixture) throws Exception {
		return LoadedModel.load(Fixtures.dir(fixture).resolve("pipeline"), Device.cpu(), w -> {});
	}
}
