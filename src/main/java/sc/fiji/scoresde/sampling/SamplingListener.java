package sc.fiji.scoresde.sampling;

/** Progress of a sampling run, reported after every network call. */
@FunctionalInterface
public interface SamplingListener {

	SamplingListener NONE = (done, total) -> {};

	void networkCallDone(int done, int total);

	/**
	 * Adaptive samplers, whose number of calls is unknown ahead: after each accepted step, the noise level reached and
	 * the fraction of the way from σmax to the end that it stands for, measured in log σ (0 at the start, 1 at the end).
	 */
	default void noiseLevelReached(final double sigma, final double fraction) {}
}
