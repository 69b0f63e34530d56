package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Remembers the last draw so that observers can see the noise a step used. */
final class RecordingNoise implements NoiseSource {

	private final NoiseSource inner;
	NDArray last;

	RecordingNoise(final NoiseSource inner) {
		this.inner = inner;
	}

	@Override
	public NDArray normal(final NDManager manager, final Shape shape) {
		last = inner.normal(manager, shape);
		return last;
	}
}
