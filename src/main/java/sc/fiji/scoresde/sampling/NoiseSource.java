package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Standard normal draws, in the order a sampler asks for them; replaceable in tests. */
@FunctionalInterface
public interface NoiseSource {

	/** A (0, 1) normal float32 array of the given shape, created in {@code manager} (and on its device). */
	NDArray normal(NDManager manager, Shape shape);
}
