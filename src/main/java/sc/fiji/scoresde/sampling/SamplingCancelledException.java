package sc.fiji.scoresde.sampling;

import java.util.concurrent.CancellationException;

/** Thrown before a network call when the run was asked to stop. */
public class SamplingCancelledException extends CancellationException {

	private static final long serialVersionUID = 1L;

	public SamplingCancelledException(final int callsDone, final int callsTotal) {
		super("cancelled after " + callsDone + " of " + callsTotal + " network calls");
	}

	/** @param message says where the run stopped, e.g. inside one network call on a big batch */
	public SamplingCancelledException(final String message) {
		super(message);
	}
}
