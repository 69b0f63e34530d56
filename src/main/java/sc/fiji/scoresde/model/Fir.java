package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The FIR resampling of NCSN++ with kernel (1,3,3,1): diffusers' {@code upsample_2d} / {@code downsample_2d}
 * (upfirdn2d_native with up=2, pad (2,1) and gain 4, or down=2, pad (1,1)), applied per channel.
 *
 * <p>Neither runs upfirdn2d_native's one-channel convolution over a zero-stuffed image, and both make the same sums:
 * downsampling is a depthwise (grouped) convolution with the 4×4 kernel at stride 2; upsampling is split into its four
 * polyphase 3×3 kernels (each output pixel of the zero-stuffed convolution sees only 2×2 real inputs: weights (1,3)/4
 * or (3,1)/4 per axis), applied as one 1→4 convolution to every channel, whose outputs are interleaved.
 */
final class Fir {

	private static final float[] TAPS = { 1, 3, 3, 1 };
	/** per axis, over the input pixels i−1, i, i+1: even outputs (x[i−1] + 3x[i])/4, odd (3x[i] + x[i+1])/4 */
	private static final float[][] PHASES = { { 1, 3, 0 }, { 0, 3, 1 } };

	private final NDManager manager;
	private final Map<Long, NDArray> downKernels = new ConcurrentHashMap<>();
	private volatile NDArray upKernel;

	/** Kernels are made once (downsampling: per channel count) in the model's manager. */
	Fir(final NDManager manager) {
		this.manager = manager;
	}

	NDArray up(final NDArray x) {
		return OpHook.on() ? OpHook.run("fir", () -> upsample(x)) : upsample(x);
	}

	private NDArray upsample(final NDArray x) {
		final Shape s = x.getShape();
		final long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
		// Every channel as its own one-channel image, through one 1→4 convolution: a depthwise convolution with four
		// outputs per group (groups = c, 4c outputs) is computed wrongly by libtorch 2.7.1's oneDNN on AVX-512 CPUs
		// (UNetParityTest: up_blocks.1 off by 3.8 on an AMD EPYC with avx512f; right with ONEDNN_MAX_CPU_ISA=AVX2).
		final NDArray phases = Nn.conv2d(x.reshape(n * c, 1, h, w), upKernel(), null, 1, 1, 1);
		if (OpHook.on()) OpHook.flops(2L * phases.getShape().size() * 4);
		// (n·c, 4, h, w) with phase (a, b) at channel 2a + b → output pixel (2y + a, 2x + b)
		return phases.reshape(n, c, 2, 2, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c, 2 * h, 2 * w);
	}

	NDArray down(final NDArray x) {
		return OpHook.on() ? OpHook.run("fir", () -> downsample(x)) : downsample(x);
	}

	private NDArray downsample(final NDArray x) {
		final long c = x.getShape().get(1);
		final NDArray out = Nn.conv2d(x, downKernel(c), null, 2, 1, (int) c);
		if (OpHook.on()) OpHook.flops(2L * out.getShape().size() * 16);
		return out;
	}

	private NDArray downKernel(final long channels) {
		return downKernels.computeIfAbsent(channels, c -> {
			final float[] k = new float[(int) (c * 16)];
			for (int ch = 0; ch < c; ch++)
				for (int i = 0; i < 4; i++)
					for (int j = 0; j < 4; j++)
						k[ch * 16 + i * 4 + j] = TAPS[i] * TAPS[j] / 64f;
			return manager.create(k, new Shape(c, 1, 4, 4));
		});
	}

	private NDArray upKernel() {
		NDArray k = upKernel;
		if (k == null) {
			final float[] taps = new float[4 * 9];
			for (int a = 0; a < 2; a++)
				for (int b = 0; b < 2; b++)
					for (int i = 0; i < 3; i++)
						for (int j = 0; j < 3; j++)
							taps[(a * 2 + b) * 9 + i * 3 + j] = PHASES[a][i] * PHASES[b][j] / 16f;
			synchronized (this) {
				if (upKernel == null) upKernel = manager.create(taps, new Shape(4, 1, 3, 3));
				k = upKernel;
			}
		}
		return k;
	}
}
