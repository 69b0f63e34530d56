package sc.fiji.scoresde.cli;

import java.io.PrintWriter;

import sc.fiji.scoresde.sampling.SamplingListener;

/** A one-line progress bar on stderr, redrawn after each network call (at most ten times a second). */
final class ProgressBar implements SamplingListener {

	private static final int WIDTH = 30;

	private final PrintWriter err;
	private final long start = System.nanoTime();
	private long lastDraw;
	private double sigma = Double.NaN;
	private double fraction;

	ProgressBar(final PrintWriter err) {
		this.err = err;
	}

	@Override
	public void networkCallDone(final int done, final int total) {
		final long now = System.nanoTime();
		if (done != total && now - lastDraw < 100_000_000L) return;
		lastDraw = now;
		if (total <= 0) {
			final int filled = (int) (WIDTH * fraction);
			err.printf(java.util.Locale.ROOT, "\r[%s%s] %s, %d network calls (adaptive), %.1f s elapsed ", "#".repeat(
				filled), " ".repeat(WIDTH - filled), Double.isNaN(sigma) ? "starting" : String.format(java.util.Locale.ROOT,
					"sigma %.3g reached (%.0f %% of log sigma)", sigma, 100 * fraction), done, (now - start) / 1e9);
			err.flush();
			return;
		}
		final int filled = (int) ((long) WIDTH * done / total);
		final double seconds = (now - start) / 1e9;
		final double eta = done == 0 ? 0 : seconds / done * (total - done);
		err.printf("\r[%s%s] %d/%d network calls, %.1f s elapsed, %.1f s left ", "#".repeat(filled), " ".repeat(WIDTH -
			filled), done, total, seconds, eta);
		if (done == total) err.println();
		err.flush();
	}

	@Override
	public void noiseLevelReached(final double sigma, final double fraction) {
		this.sigma = sigma;
		this.fraction = fraction;
	}
}
