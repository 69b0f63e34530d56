package sc.fiji.scoresde.sampling;

/** Scalar float32 arithmetic the way libtorch's CPU kernels do it, where the scheduler's tables depend on it. */
final class TorchFloat {

	private TorchFloat() {}

	/**
	 * torch.linspace(start, end, steps) for float32: step = (end − start)/(steps − 1); the first half counts up from
	 * start, the second half down from end (RangeFactoriesKernel.cpp).
	 */
	static float[] linspace(final float start, final float end, final int steps) {
		final float[] out = new float[steps];
		if (steps == 1) {
			out[0] = start;
			return out;
		}
		final float step = (end - start) / (float) (steps - 1);
		final int halfway = steps / 2;
		for (int i = 0; i < steps; i++)
			out[i] = i < halfway ? start + step * (float) i : end - step * (float) (steps - i - 1);
		return out;
	}

	/** powf, correctly rounded through double. */
	static float pow(final float base, final float exponent) {
		return (float) Math.pow(base, exponent);
	}
}
