package sc.fiji.scoresde.bench;

import java.io.PrintWriter;
import java.util.Locale;

import sc.fiji.scoresde.sampling.SamplingListener;

/** Network calls done so far, redrawn on one stderr line at most once a second. */
final class CallsProgress implements SamplingListener {

	private final PrintWriter err;
	private final long start = System.nanoTime();
	private long lastDraw;

	CallsProgress(final PrintWriter err) {
		this.err = err;
	}

	@Override
	public void networkCallDone(final int done, final int total) {
		final long now = System.nanoTime();
		if (done != total && now - lastDraw < 1_000_000_000L) return;
		lastDraw = now;
		err.printf(Locale.ROOT, "\r%d/%s network calls, %.0f s ", done, total > 0 ? Integer.toString(total) :
			"(adaptive)", (now - start) / 1e9);
		if (done == total) err.println();
		err.flush();
	}
}
