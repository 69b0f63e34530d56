package sc.fiji.scoresde.sampling;

/** Progress of a sampling run, reported after every network call. */
@FunctionalInterface
public interface SamplingListener {

	SamplingListener NONE = (done, total) -> {};

	void networkCallDone(int done, int total);
}
