package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The FIR resampling of NCSN++ with kernel (1,3,3,1): diffusers' {@code upsample_2d} / {@code downsample_2d}
 * (upfirdn2d_native with up=2, pad (2,1) and gain 4, or down=2, pad (1,1)), applied per channel.
 */
final class Fir {

	private static final float[] TAPS = { 1, 3, 3, 1 };

	private final NDArray downKernel;
	private final NDArray upKernel;

	/** The two 4×4 kernels, allocated once in the model's manager. */
	Fir(final NDManager manager) {
		final float[] k = new float[16];
		for (int i = 0; i < 4; i++)
			for (int j = 0; j < 4; j++)
				k[i * 4 + j] = TAPS[i] * TAPS[j] / 64f;
		downKernel = manager.create(k, new Shape(1, 1, 4, 4));
		final float[] u = k.clone();
		for (int i = 0; i < u.length; i++)
			u[i] *= 4f; // gain · factor²
		upKernel = manager.create(u, new Shape(1, 1, 4, 4));
	}

	NDArray up(final NDArray x) {
		final Shape s = x.getShape();
		final long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
		// zero insertion: each sample followed by a zero, along both axes
		final NDArray spread = x.reshape(n * c, 1, h, 1, w, 1).pad(new Shape(0, 1, 0, 0, 0, 1), 0).reshape(n * c, 1,
			2 * h, 2 * w);
		final NDArray padded = spread.pad(new Shape(2, 1, 2, 1), 0);
		return Conv2d.conv2d(padded, kernel(upKernel, x), null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1)
			.singletonOrThrow().reshape(n, c, 2 * h, 2 * w);
	}

	NDArray down(final NDArray x) {
		final Shape s = x.getShape();
		final long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
		final NDArray out = Conv2d.conv2d(x.reshape(n * c, 1, h, w), kernel(downKernel, x), null, new Shape(2, 2),
			new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
		return out.reshape(n, c, out.getShape().get(2), out.getShape().get(3));
	}

	private NDArray kernel(final NDArray k, final NDArray x) {
		if (k.getDevice().equals(x.getDevice())) return k;
		throw new IllegalStateException("FIR kernel on " + k.getDevice() + " but activation on " + x.getDevice());
	}
}
