package sc.fiji.scoresde.restore;

import ai.djl.ndarray.NDArray;

/**
 * An orthogonal change of coordinates per pixel in which the known part of an image is a set of coordinates:
 * the pixels themselves (inpainting) or the colour space rotated so that one channel is the grey value
 * (colorization). Orthogonal, so standard normal noise stays standard normal in either space.
 */
public interface Basis {

	Basis PIXELS = new Basis() {

		@Override
		public NDArray to(final NDArray x) {
			return x;
		}

		@Override
		public NDArray from(final NDArray x) {
			return x;
		}
	};

	/** (B, C, H, W) image → coordinates, same shape. */
	NDArray to(NDArray x);

	/** The inverse of {@link #to}. */
	NDArray from(NDArray x);
}
