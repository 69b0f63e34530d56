package sc.fiji.scoresde.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import sc.fiji.scoresde.model.HostTensor;

/**
 * A random state dict for an architecture (benchmarks, scaling tables, tests): weights ~ N(0, 1/fan_in), biases 0,
 * norm scales 1, the Fourier projection ~ N(0, 16²) as GaussianFourierProjection(scale=16) initialises it.
 */
public final class RandomWeights {

	private RandomWeights() {}

	public static Map<String, HostTensor> stateDict(final UNet2DModel model, final long seed) {
		final Random random = new Random(seed);
		final Map<String, HostTensor> out = new LinkedHashMap<>();
		for (final Parameter p : model.parameters().parameters().values()) {
			final long[] shape = p.shape().getShape();
			final float[] v = new float[Math.toIntExact(p.shape().size())];
			final String key = p.key();
			if (key.equals("time_proj.weight")) {
				for (int i = 0; i < v.length; i++)
					v[i] = (float) (random.nextGaussian() * 16);
			}
			else if (key.endsWith(".bias")) {
				// zeros
			}
			else if (shape.length == 1) {
				java.util.Arrays.fill(v, 1f);
			}
			else {
				long fanIn = 1;
				for (int d = 1; d < shape.length; d++)
					fanIn *= shape[d];
				final double std = 1 / Math.sqrt(fanIn);
				for (int i = 0; i < v.length; i++)
					v[i] = (float) (random.nextGaussian() * std);
			}
			out.put(key, HostTensor.ofFloats(shape, v));
		}
		return out;
	}
}
