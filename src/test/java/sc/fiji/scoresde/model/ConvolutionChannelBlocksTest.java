package sc.fiji.scoresde.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.model.HostTensor;

/**
 * Convolutions whose channel counts do not fill oneDNN's 16- (AVX-512) or 8-channel (AVX2) blocks, checked against
 * sums written out here: libtorch 2.7.1 read the blocks' unset lanes, so these gave values left in memory by earlier
 * arrays (NaN, once NaN had been freed). Each check first frees NaN-filled arrays, so that such a read shows.
 */
class ConvolutionChannelBlocksTest {

	private static final int BATCH = 2, SIDE = 8, RUNS = 5;

	/** conv_out and the skip path's 3×3 convolution end in 3 channels: their input gradient feeds everything else */
	@Test
	void inputGradientIsExactWhenTheOutputChannelsPartFillABlock() throws Exception {
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final Layer conv = new Layer(m, 16, 3);
			final float[] v = probe(BATCH * 3 * SIDE * SIDE);
			final float[] expected = conv.inputGradient(v);
			for (int run = 0; run < RUNS; run++)
				assertClose(expected, inputGradient(m, conv.channels, conv::forward, v), "run " + run);
		}
	}

	/** a DDPM up block concatenates 16 + 8 channels before its resnet's convolutions */
	@Test
	void outputIsExactWhenTheInputChannelsPartFillASecondBlock() throws Exception {
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final Layer conv = new Layer(m, 24, 16);
			final float[] x = probe(BATCH * 24 * SIDE * SIDE);
			final float[] expected = conv.output(x);
			for (int run = 0; run < RUNS; run++) {
				freeNaNFilledArrays(m);
				try (NDManager call = m.newSubManager()) {
					assertClose(expected, conv.forward(call.create(x, new Shape(BATCH, 24, SIDE, SIDE))).toFloatArray(),
						"inference, run " + run);
				}
				final boolean previous = Nn.setRecording(true);
				try (NDManager call = m.newSubManager(); GradientCollector gc = call.getEngine().newGradientCollector()) {
					final NDArray in = call.create(x, new Shape(BATCH, 24, SIDE, SIDE));
					in.setRequiresGradient(true);
					assertClose(expected, conv.forward(in).toFloatArray(), "while recording, run " + run);
				}
				finally {
					Nn.setRecording(previous);
				}
			}
		}
	}

	/**
	 * The FIR upsampling runs a 1→4 convolution; its input gradient is checked against upfirdn2d's definition
	 * (zero-stuffing, pad (2, 1), the kernel (1,3,3,1)ᵀ(1,3,3,1)/64 with gain 4).
	 */
	@Test
	void firUpsamplingPassesTheExactGradientToItsInput() throws Exception {
		final int channels = 8;
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			final Fir fir = new Fir(m);
			final float[] v = probe(BATCH * channels * 4 * SIDE * SIDE);
			final float[] taps = { 1, 3, 3, 1 };
			final float[] expected = new float[BATCH * channels * SIDE * SIDE];
			final int out = 2 * SIDE;
			for (int image = 0; image < BATCH * channels; image++)
				for (int i = 0; i < SIDE; i++)
					for (int j = 0; j < SIDE; j++)
						for (int a = 0; a < out; a++)
							for (int b = 0; b < out; b++) {
								final int p = 2 * i + 2 - a, q = 2 * j + 2 - b;
								if (p < 0 || p > 3 || q < 0 || q > 3) continue;
								expected[(image * SIDE + i) * SIDE + j] += taps[p] * taps[q] / 16f * v[(image * out + a) *
									out + b];
							}
			for (int run = 0; run < RUNS; run++)
				assertClose(expected, inputGradient(m, channels, fir::up, v), "run " + run);
		}
	}

	/** The gradient of Σ v·f(x) with respect to x, for a (BATCH, channels, SIDE, SIDE) input, while recording. */
	private static float[] inputGradient(final NDManager m, final int channels, final Function<NDArray, NDArray> f,
		final float[] v)
	{
		freeNaNFilledArrays(m);
		final boolean previous = Nn.setRecording(true);
		try (NDManager call = m.newSubManager()) {
			final NDArray in = call.zeros(new Shape(BATCH, channels, SIDE, SIDE));
			in.setRequiresGradient(true);
			try (GradientCollector gc = call.getEngine().newGradientCollector()) {
				final NDArray out = f.apply(in);
				gc.backward(out.mul(call.create(v, out.getShape())).sum());
			}
			return in.getGradient().toFloatArray();
		}
		finally {
			Nn.setRecording(previous);
		}
	}

	/** Frees arrays full of NaN, so that memory allocated next and read before being written holds NaN. */
	private static void freeNaNFilledArrays(final NDManager m) {
		for (long size = 16; size <= 1 << 18; size *= 2)
			for (final long extra : new long[] { 0, 3 })
				m.full(new Shape(size + extra), Float.NaN, DataType.FLOAT32).close();
	}

	private static float[] probe(final int n) {
		final Random random = new Random(n);
		final float[] v = new float[n];
		for (int i = 0; i < n; i++)
			v[i] = (float) random.nextGaussian();
		return v;
	}

	private static void assertClose(final float[] expected, final float[] actual, final String what) {
		assertEquals(expected.length, actual.length, what);
		float scale = 0;
		for (final float e : expected)
			scale = Math.max(scale, Math.abs(e));
		for (int i = 0; i < expected.length; i++)
			if (!(Math.abs(expected[i] - actual[i]) <= 1e-4f * scale)) assertEquals(expected[i], actual[i], 1e-4f *
				scale, what + ": element " + i);
	}

	/** A 3×3, padding 1 convolution layer with random weights and bias, and its sums written out. */
	private static final class Layer {

		final int channels, outChannels;
		final float[] weight, bias;
		final Nn.Conv2d conv;

		Layer(final NDManager m, final int channels, final int outChannels) throws Exception {
			this.channels = channels;
			this.outChannels = outChannels;
			final ParameterStore store = new ParameterStore();
			conv = new Nn.Conv2d(store, "conv", channels, outChannels, 3, 1, 1, true);
			weight = probe(outChannels * channels * 9);
			bias = probe(outChannels);
			store.load(Map.of("conv.weight", HostTensor.ofFloats(new long[] { outChannels, channels, 3, 3 }, weight),
				"conv.bias", HostTensor.ofFloats(new long[] { outChannels }, bias)), m, "test", null);
		}

		NDArray forward(final NDArray x) {
			return conv.forward(x);
		}

		float[] output(final float[] x) {
			final float[] y = new float[BATCH * outChannels * SIDE * SIDE];
			for (int n = 0; n < BATCH; n++)
				for (int o = 0; o < outChannels; o++)
					for (int r = 0; r < SIDE; r++)
						for (int c = 0; c < SIDE; c++) {
							double sum = bias[o];
							for (int i = 0; i < channels; i++)
								for (int dr = 0; dr < 3; dr++)
									for (int dc = 0; dc < 3; dc++) {
										final int rr = r + dr - 1, cc = c + dc - 1;
										if (rr >= 0 && rr < SIDE && cc >= 0 && cc < SIDE) sum += weight[((o * channels + i) * 3 +
											dr) * 3 + dc] * (double) x[((n * channels + i) * SIDE + rr) * SIDE + cc];
									}
							y[((n * outChannels + o) * SIDE + r) * SIDE + c] = (float) sum;
						}
			return y;
		}

		float[] inputGradient(final float[] v) {
			final float[] g = new float[BATCH * channels * SIDE * SIDE];
			for (int n = 0; n < BATCH; n++)
				for (int o = 0; o < outChannels; o++)
					for (int r = 0; r < SIDE; r++)
						for (int c = 0; c < SIDE; c++)
							for (int i = 0; i < channels; i++)
								for (int dr = 0; dr < 3; dr++)
									for (int dc = 0; dc < 3; dc++) {
										final int rr = r + dr - 1, cc = c + dc - 1;
										if (rr >= 0 && rr < SIDE && cc >= 0 && cc < SIDE) g[((n * channels + i) * SIDE + rr) * SIDE +
											cc] += weight[((o * channels + i) * 3 + dr) * 3 + dc] * v[((n * outChannels + o) * SIDE + r) *
												SIDE + c];
									}
			return g;
		}
	}
}
