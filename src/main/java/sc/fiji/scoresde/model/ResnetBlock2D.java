package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** diffusers {@code ResnetBlock2D} (resnet.py), with the optional FIR or plain up/down resampling inside. */
final class ResnetBlock2D {

	/** How the block resamples between norm1/act and conv1. */
	enum Resample {
		NONE, FIR_UP, FIR_DOWN, NEAREST_UP, AVG_DOWN
	}

	/** Constructor arguments, named as in diffusers. */
	static final class Spec {

		int inChannels;
		int outChannels;
		int tembChannels;
		int groups;
		Integer groupsOut;
		double eps;
		double outputScaleFactor = 1;
		Boolean useInShortcut;
		Resample resample = Resample.NONE;
		boolean scaleShift;

		Spec(final int in, final int out, final int temb, final int groups, final double eps) {
			this.inChannels = in;
			this.outChannels = out;
			this.tembChannels = temb;
			this.groups = groups;
			this.eps = eps;
		}
	}

	private final Nn.GroupNorm norm1;
	private final Nn.Conv2d conv1;
	private final Nn.LinearLayer timeEmbProj;
	private final Nn.GroupNorm norm2;
	private final Nn.Conv2d conv2;
	private final Nn.Conv2d convShortcut;
	private final Resample resample;
	private final boolean scaleShift;
	private final float outputScaleFactor;
	private final int outChannels;
	private final Fir fir;

	ResnetBlock2D(final ParameterStore store, final String key, final Spec s, final Fir fir)
		throws ModelConfigException
	{
		norm1 = new Nn.GroupNorm(store, Nn.join(key, "norm1"), s.groups, s.inChannels, s.eps, key + ".norm1");
		conv1 = new Nn.Conv2d(store, Nn.join(key, "conv1"), s.inChannels, s.outChannels, 3, 1, 1, true);
		scaleShift = s.scaleShift;
		timeEmbProj = new Nn.LinearLayer(store, Nn.join(key, "time_emb_proj"), s.tembChannels, scaleShift ? 2 *
			s.outChannels : s.outChannels);
		norm2 = new Nn.GroupNorm(store, Nn.join(key, "norm2"), s.groupsOut == null ? s.groups : s.groupsOut,
			s.outChannels, s.eps, key + ".norm2");
		conv2 = new Nn.Conv2d(store, Nn.join(key, "conv2"), s.outChannels, s.outChannels, 3, 1, 1, true);
		final boolean shortcut = s.useInShortcut == null ? s.inChannels != s.outChannels : s.useInShortcut;
		convShortcut = shortcut ? new Nn.Conv2d(store, Nn.join(key, "conv_shortcut"), s.inChannels, s.outChannels,
			1, 1, 0, true) : null;
		resample = s.resample;
		outputScaleFactor = (float) s.outputScaleFactor;
		outChannels = s.outChannels;
		this.fir = fir;
	}

	/** @param tembAct SiLU of the time embedding (computed once per network call by the caller) */
	NDArray forward(NDArray input, final NDArray tembAct) {
		NDArray h = Nn.silu(norm1.forward(input));
		switch (resample) {
			case FIR_UP:
				input = fir.up(input);
				h = fir.up(h);
				break;
			case FIR_DOWN:
				input = fir.down(input);
				h = fir.down(h);
				break;
			case NEAREST_UP:
				input = nearestUp(input);
				h = nearestUp(h);
				break;
			case AVG_DOWN:
				input = avgDown(input);
				h = avgDown(h);
				break;
			default:
				break;
		}
		h = conv1.forward(h);
		final NDArray t = timeEmbProj.forward(tembAct);
		final long b = t.getShape().get(0);
		if (!scaleShift) {
			h = Nn.add(h, t.reshape(b, outChannels, 1, 1));
			h = norm2.forward(h);
		}
		else {
			h = norm2.forward(h);
			final NDList parts = t.reshape(b, 2 * outChannels, 1, 1).split(2, 1);
			h = Nn.add(Nn.mul(h, Scalars.add(parts.get(0), 1f)), parts.get(1));
		}
		h = conv2.forward(Nn.silu(h));
		final NDArray shortcut = convShortcut == null ? input : convShortcut.forward(input);
		// h is this block's own array: updating it in place saves two full-size allocations (same sums)
		return Nn.div(Nn.add(h, shortcut), outputScaleFactor);
	}

	static NDArray nearestUp(final NDArray x) {
		final Shape s = x.getShape();
		final long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
		return x.reshape(n, c, h, 1, w, 1).broadcast(new Shape(n, c, h, 2, w, 2)).reshape(n, c, 2 * h, 2 * w);
	}

	static NDArray avgDown(final NDArray x) {
		return Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
	}
}
