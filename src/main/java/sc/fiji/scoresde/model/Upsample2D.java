package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;

/** diffusers {@code Upsample2D} with use_conv=True (upsampling.py): nearest ×2 then a 3×3 convolution. */
final class Upsample2D {

	private final Nn.Conv2d conv;

	Upsample2D(final ParameterStore store, final String key, final int channels) {
		this.conv = new Nn.Conv2d(store, Nn.join(key, "conv"), channels, channels, 3, 1, 1, true);
	}

	NDArray forward(final NDArray x) {
		return conv.forward(ResnetBlock2D.nearestUp(x));
	}
}
