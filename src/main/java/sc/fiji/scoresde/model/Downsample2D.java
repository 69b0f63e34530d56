package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** diffusers {@code Downsample2D} with use_conv=True, name="op" (downsampling.py): a stride-2 3×3 convolution. */
final class Downsample2D {

	private final Nn.Conv2d conv;
	private final boolean padRightBottom;

	Downsample2D(final ParameterStore store, final String key, final int channels, final int padding) {
		this.conv = new Nn.Conv2d(store, Nn.join(key, "conv"), channels, channels, 3, 2, padding, true);
		// padding 0 means an asymmetric (0,1,0,1) zero pad before the convolution, as in diffusers
		this.padRightBottom = padding == 0;
	}

	NDArray forward(final NDArray x) {
		return conv.forward(padRightBottom ? x.pad(new Shape(0, 1, 0, 1), 0) : x);
	}
}
