package sc.fiji.scoresde.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import sc.fiji.scoresde.model.HostTensor;
import sc.fiji.scoresde.model.Parameter;
import sc.fiji.scoresde.model.UNet2DModel;

/**
 * The initial weights of a freshly constructed diffusers UNet2DModel, i.e. PyTorch's defaults: Conv2d and Linear
 * weights and biases ~ U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5), GroupNorm scale 1 and shift 0, and
 * the Gaussian Fourier projection ~ N(0, 16²) (GaussianFourierProjection(scale=16), a buffer that is never trained).
 */
public final class WeightInit {

	/** The one weight diffusers declares with requires_grad=False. */
	public static final String FOURIER_WEIGHT = "time_proj.weight";

	private WeightInit() {}

	public static Map<String, HostTensor> stateDict(final UNet2DModel model, final long seed) {
		final Random random = new Random(seed);
		final Map<String, Parameter> all = model.parameters().parameters();
		final Map<String, HostTensor> out = new LinkedHashMap<>();
		for (final Parameter p : all.values()) {
			final long[] shape = p.shape().getShape();
			final float[] v = new float[Math.toIntExact(p.shape().size())];
			final String key = p.key();
			if (key.equals(FOURIER_WEIGHT)) {
				for (int i = 0; i < v.length; i++)
					v[i] = (float) (random.nextGaussian() * 16);
			}
			else if (shape.length >= 2) {
				uniform(v, random, 1 / Math.sqrt(fanIn(shape)));
			}
			else {
				final String stem = key.substring(0, key.lastIndexOf('.'));
				final Parameter weight = all.get(stem + ".weight");
				if (weight != null && weight.shape().dimension() >= 2) {
					// a Conv2d or Linear bias
					uniform(v, random, 1 / Math.sqrt(fanIn(weight.shape().getShape())));
				}
				else if (key.endsWith(".weight")) java.util.Arrays.fill(v, 1f); // a norm's scale; shifts stay 0
			}
			out.put(key, HostTensor.ofFloats(shape, v));
		}
		return out;
	}

	private static long fanIn(final long[] shape) {
		long f = 1;
		for (int d = 1; d < shape.length; d++)
			f *= shape[d];
		return f;
	}

	private static void uniform(final float[] v, final Random random, final double bound) {
		for (int i = 0; i < v.length; i++)
			v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
	}
}
