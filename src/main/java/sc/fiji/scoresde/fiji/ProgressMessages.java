package sc.fiji.scoresde.fiji;

import java.util.Locale;

import sc.fiji.scoresde.sampling.SamplingListener;

/**
 * The progress every Fiji front end shows while sampling, in one wording: "prefix: network call 3/20" with the bar at
 * 3 of 20, or for adaptive samplers "prefix: network call 17 (adaptive), sigma 0.52 reached" with the bar at the
 * share of log σ covered. Where it shows is the {@link Display}'s business (ImageJ 1's status bar, SciJava's
 * StatusService and task).
 */
final class ProgressMessages implements SamplingListener {

	/** Where progress shows. */
	interface Display {

		/** A status line; {@code total > 0}: the bar at {@code done} of {@code total} too. */
		void status(String message, int done, int total);

		/** The bar alone. */
		void bar(int done, int total);
	}

	private final String prefix;
	private final Display display;
	private String reached = "";

	ProgressMessages(final String prefix, final Display display) {
		this.prefix = prefix;
		this.display = display;
	}

	@Override
	public void networkCallDone(final int done, final int total) {
		if (total <= 0) display.status(prefix + ": network call " + done + " (adaptive)" + reached, 0, 0);
		else display.status(prefix + ": network call " + done + "/" + total, done, total);
	}

	@Override
	public void noiseLevelReached(final double sigma, final double fraction) {
		reached = String.format(Locale.ROOT, ", sigma %.3g reached", sigma);
		display.bar((int) Math.round(1000 * fraction), 1000);
	}
}
