package sc.fiji.scoresde.sampling;

/** Scalar float32 arithmetic the way libtorch's CPU kernels do it, where the scheduler's tables depend on it. */
final class TorchFloat {

	private TorchFloat() {}

	/** Floats per vector of libtorch's AVX2 kernels. */
	private static final int VECTOR = 8;

	/**
	 * torch.linspace(start, end, steps) for float32 as libtorch's CPU kernel computes it (RangeFactoriesKernel.cpp):
	 * step = (end − start)/(steps − 1); values before the middle count up from start, the others down from end.
	 * Quirk reproduced on purpose: the AVX2 build fills blocks of 2·8 values as vectors whose base is computed with a
	 * fused multiply-add and whose lanes add i·step to it; the remaining tail is scalar. This, not the textbook
	 * formula, is what made the timesteps of the reference runs (checked bit for bit against
	 * scheduler_tables.safetensors for N up to 2000), and the predictor's index truncation depends on the last bit.
	 */
	static float[] linspace(final float start, final float end, final int steps) {
		final float[] out = new float[steps];
		if (steps == 1) {
			out[0] = start;
			return out;
		}
		final float step = (end - start) / (float) (steps - 1);
		final int halfway = steps / 2;
		int idx = 0;
		for (; idx + 2 * VECTOR <= steps; idx += 2 * VECTOR) {
			for (int v = idx; v < idx + 2 * VECTOR; v += VECTOR) {
				final float base = v < halfway ? Math.fma(step, (float) v, start) : Math.fma(-step, (float) (steps - v -
					1), end);
				for (int lane = 0; lane < VECTOR; lane++)
					out[v + lane] = base + (float) lane * step;
			}
		}
		for (; idx < steps; idx++)
			out[idx] = idx < halfway ? start + step * (float) idx : end - step * (float) (steps - idx - 1);
		return out;
	}

	/** powf, correctly rounded through double. */
	static float pow(final float base, final float exponent) {
		return (float) Math.pow(base, exponent);
	}
}
