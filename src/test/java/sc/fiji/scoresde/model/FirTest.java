package sc.fiji.scoresde.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import sc.fiji.scoresde.runtime.Engines;

/**
 * The FIR resampling against diffusers' definition (upfirdn2d_native: zero-stuffing, padding, a 4×4 kernel) written
 * out as loops, on many channels and channels-last input: libtorch 2.7.1's oneDNN computes a depthwise convolution
 * with several outputs per channel wrongly for such input on AVX-512 CPUs.
 */
class FirTest {

	static final float[] TAPS = { 1, 3, 3, 1 };

	@ParameterizedTest
	@CsvSource({ "2, 24, 8, 6", "1, 32, 8, 8", "2, 32, 16, 16", "1, 64, 32, 32", "3, 16, 4, 4" })
	void upsamplingMatchesUpfirdnOnEveryChannel(final int N, final int C, final int H, final int W) {
		final float[] x = random(N * C * H * W);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH)) {
			final Fir fir = new Fir(m);
			// a downsampling of the same channel count first, as in the network
			fir.down(m.create(random(N * C * 4 * H * W), new Shape(N, C, 2 * H, 2 * W)));
			final float[] got = fir.up(channelsLast(m, x, N, C, H, W)).toFloatArray();
			final int oh = 2 * H, ow = 2 * W;
			for (int nc = 0; nc < N * C; nc++) {
				// zero-stuffed by 2, padded (2, 1), gain 4: the stuffed image sits at (2i + 2, 2j + 2)
				final float[][] padded = new float[oh + 3][ow + 3];
				for (int i = 0; i < H; i++)
					for (int j = 0; j < W; j++)
						padded[2 * i + 2][2 * j + 2] = x[(nc * H + i) * W + j];
				for (int p = 0; p < oh; p++)
					for (int q = 0; q < ow; q++) {
						double sum = 0;
						for (int u = 0; u < 4; u++)
							for (int v = 0; v < 4; v++)
								sum += padded[p + u][q + v] * TAPS[u] * TAPS[v] / 16.0;
						assertEquals(sum, got[(nc * oh + p) * ow + q], 1e-5, "channel " + nc % C + " pixel " + p + "," + q);
					}
			}
		}
	}

	@ParameterizedTest
	@CsvSource({ "2, 24, 8, 6", "1, 32, 16, 16", "1, 64, 32, 32" })
	void downsamplingMatchesUpfirdnOnEveryChannel(final int N, final int C, final int H, final int W) {
		final float[] x = random(N * C * H * W);
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH)) {
			final float[] got = new Fir(m).down(channelsLast(m, x, N, C, H, W)).toFloatArray();
			final int oh = H / 2, ow = W / 2;
			for (int nc = 0; nc < N * C; nc++)
				for (int p = 0; p < oh; p++)
					for (int q = 0; q < ow; q++) {
						double sum = 0;
						for (int u = 0; u < 4; u++)
							for (int v = 0; v < 4; v++) {
								final int i = 2 * p + u - 1, j = 2 * q + v - 1;
								if (i >= 0 && i < H && j >= 0 && j < W) sum += x[(nc * H + i) * W + j] * TAPS[u] * TAPS[v] / 64.0;
							}
						assertEquals(sum, got[(nc * oh + p) * ow + q], 1e-5, "channel " + nc % C + " pixel " + p + "," + q);
					}
		}
	}

	/**
	 * The NCHW values x as a view of NHWC memory, as a transposed activation is in the network: oneDNN's depthwise
	 * kernel for such input is the one that fails.
	 */
	static NDArray channelsLast(final NDManager m, final float[] x, final int N, final int C, final int H, final int W) {
		final float[] nhwc = new float[x.length];
		for (int n = 0; n < N; n++)
			for (int c = 0; c < C; c++)
				for (int i = 0; i < H; i++)
					for (int j = 0; j < W; j++)
						nhwc[((n * H + i) * W + j) * C + c] = x[((n * C + c) * H + i) * W + j];
		return m.create(nhwc, new Shape(N, H, W, C)).transpose(0, 3, 1, 2);
	}

	static float[] random(final int size) {
		final Random r = new Random(7);
		final float[] x = new float[size];
		for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
		return x;
	}
}
