package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for arithmetic that autograd may record. DJL's {@code x.mul(2f)} (and add, sub, div with a
 * number) wraps the number in a 0-d tensor over a Java direct buffer (torch::from_blob) and closes it right after
 * the op; autograd keeps that tensor for the backward pass (the derivative of x·c is c), and once the garbage
 * collector frees the buffer the gradient reads freed memory: NaN or arbitrary values, only when a GC falls between
 * forward and backward. A scalar made by {@code full} is allocated by libtorch and reference-counted, so the graph
 * keeps it alive whatever happens to the Java handle. The arithmetic is the same (a 0-d float32 operand).
 */
public final class Scalars {

	private Scalars() {}

	/** A 0-d tensor of {@code value} owned by libtorch, in {@code like}'s manager, type and device. */
	public static NDArray of(final NDArray like, final float value) {
		return like.getManager().full(new Shape(), value, like.getDataType());
	}

	public static NDArray mul(final NDArray x, final float value) {
		return x.mul(of(x, value));
	}

	public static NDArray div(final NDArray x, final float value) {
		return x.div(of(x, value));
	}

	public static NDArray add(final NDArray x, final float value) {
		return x.add(of(x, value));
	}

	public static NDArray sub(final NDArray x, final float value) {
		return x.sub(of(x, value));
	}
}
