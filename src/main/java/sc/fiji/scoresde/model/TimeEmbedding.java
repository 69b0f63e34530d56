package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * The noise-level embedding of UNet2DModel: {@code time_proj} (GaussianFourierProjection or Timesteps, in
 * embeddings.py) followed by {@code time_embedding} (TimestepEmbedding: linear_1, SiLU, linear_2).
 */
final class TimeEmbedding {

	private final boolean fourier;
	private final Parameter fourierWeight;
	private final int channels;
	private final boolean flipSinToCos;
	private final double freqShift;
	private final Nn.LinearLayer linear1;
	private final Nn.LinearLayer linear2;

	TimeEmbedding(final ParameterStore store, final UNet2DConfig c, final int timeEmbedDim) {
		this.channels = c.blockOutChannels[0];
		this.fourier = c.timeEmbeddingType.equals("fourier");
		// GaussianFourierProjection(embedding_size=C0, scale=16): weight and W are one tensor; the hub stores W only
		this.fourierWeight = fourier ? store.declare("time_proj.weight", channels) : null;
		// flip_sin_to_cos / freq_shift configure Timesteps only; the Fourier projection ignores them
		this.flipSinToCos = c.flipSinToCos;
		this.freqShift = c.freqShift;
		final int inputDim = fourier ? 2 * channels : channels;
		this.linear1 = new Nn.LinearLayer(store, "time_embedding.linear_1", inputDim, timeEmbedDim);
		this.linear2 = new Nn.LinearLayer(store, "time_embedding.linear_2", timeEmbedDim, timeEmbedDim);
	}

	/** time_proj output for per-sample noise levels of shape (B). */
	NDArray project(final NDArray sigma) {
		final NDArray t = sigma.toType(DataType.FLOAT32, false);
		final long b = t.getShape().get(0);
		if (fourier) {
			final NDArray proj = Scalars.mul(Scalars.mul(t.log().reshape(b, 1).mul(fourierWeight.get()), 2f),
				(float) Math.PI);
			return NDArrays.concat(new NDList(proj.sin(), proj.cos()), 1);
		}
		final int half = channels / 2;
		final NDArray exponent = t.getManager().arange(0f, (float) half, 1f, DataType.FLOAT32).toDevice(t.getDevice(),
			false).mul((float) -Math.log(10000)).div((float) (half - freqShift));
		final NDArray arg = t.reshape(b, 1).mul(exponent.exp().reshape(1, half));
		final NDArray sin = arg.sin();
		final NDArray cos = arg.cos();
		NDArray emb = flipSinToCos ? NDArrays.concat(new NDList(cos, sin), 1) : NDArrays.concat(new NDList(sin, cos),
			1);
		if (channels % 2 == 1) emb = emb.pad(new ai.djl.ndarray.types.Shape(0, 1), 0);
		return emb;
	}

	NDArray embed(final NDArray projected) {
		return linear2.forward(Nn.silu(linear1.forward(projected)));
	}
}
