package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * diffusers {@code Attention} as built with {@code _from_deprecated_attn_block=True} and run by {@code AttnProcessor}
 * (attention_processor.py): GroupNorm, q/k/v projections, softmax(q·kᵀ/√d)·v per head, output projection, residual,
 * division by rescale_output_factor.
 */
final class Attention {

	private final Nn.GroupNorm groupNorm;
	private final Nn.LinearLayer toQ;
	private final Nn.LinearLayer toK;
	private final Nn.LinearLayer toV;
	private final Nn.LinearLayer toOut;
	private final int heads;
	private final int headDim;
	private final float scale;
	private final float rescaleOutputFactor;

	/** @param normGroups null for no group norm (diffusers passes None with resnet_time_scale_shift='scale_shift') */
	Attention(final ParameterStore store, final String key, final int channels, final int headDim,
		final Integer normGroups, final double eps, final double rescaleOutputFactor) throws ModelConfigException
	{
		if (headDim < 1 || channels % headDim != 0) throw new ModelConfigException(key + ": attention over " +
			channels + " channels cannot use heads of " + headDim + " channels (attention_head_dim must divide the" +
			" block's channels)");
		this.heads = channels / headDim;
		this.headDim = headDim;
		this.groupNorm = normGroups == null ? null : new Nn.GroupNorm(store, Nn.join(key, "group_norm"), normGroups,
			channels, eps, key + ".group_norm");
		this.toQ = new Nn.LinearLayer(store, Nn.join(key, "to_q"), channels, channels);
		this.toK = new Nn.LinearLayer(store, Nn.join(key, "to_k"), channels, channels);
		this.toV = new Nn.LinearLayer(store, Nn.join(key, "to_v"), channels, channels);
		this.toOut = new Nn.LinearLayer(store, Nn.join(key, "to_out.0"), channels, channels);
		this.scale = (float) Math.pow(headDim, -0.5);
		this.rescaleOutputFactor = (float) rescaleOutputFactor;
	}

	NDArray forward(final NDArray x) {
		final Shape s = x.getShape();
		final long b = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
		final long seq = h * w;
		final NDArray normed = groupNorm == null ? x : groupNorm.forward(x);
		final NDArray tokens = normed.reshape(b, c, seq).transpose(0, 2, 1);
		final NDArray q = toHeads(toQ.forward(tokens), b, seq);
		final NDArray k = toHeads(toK.forward(tokens), b, seq);
		final NDArray v = toHeads(toV.forward(tokens), b, seq);
		final boolean observed = OpHook.on();
		final NDArray probs = observed ? OpHook.run("attention", () -> probabilities(q, k)) : probabilities(q, k);
		if (observed) OpHook.flops(4L * b * heads * seq * seq * headDim);
		final NDArray product = observed ? OpHook.run("attention", () -> probs.matMul(v)) : probs.matMul(v);
		final NDArray attended = product.reshape(b, heads, seq, headDim).transpose(0, 2, 1, 3).reshape(b, seq, c);
		final NDArray out = toOut.forward(attended).transpose(0, 2, 1).reshape(b, c, h, w);
		return Nn.div(Nn.add(out, x), rescaleOutputFactor);
	}

	private NDArray probabilities(final NDArray q, final NDArray k) {
		return Scalars.mul(q.matMul(k.transpose(0, 2, 1)), scale).softmax(-1);
	}

	/** (B, S, heads·d) → (B·heads, S, d), diffusers' head_to_batch_dim. */
	private NDArray toHeads(final NDArray t, final long b, final long seq) {
		return t.reshape(b, seq, heads, headDim).transpose(0, 2, 1, 3).reshape(b * heads, seq, headDim);
	}
}
