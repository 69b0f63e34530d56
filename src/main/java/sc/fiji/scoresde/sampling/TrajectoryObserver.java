package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;

/**
 * Sees every intermediate array of a sampling run under the names of the fixtures' trajectory files
 * ({@code init_noise}, {@code step3.correct0.noise}, {@code step3.pred.sample_mean}, …). The arrays are freed after
 * the call returns; copy what you keep.
 */
@FunctionalInterface
public interface TrajectoryObserver {

	void observe(String name, NDArray value);
}
