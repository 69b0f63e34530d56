package sc.fiji.scoresde.cli;

import java.io.PrintWriter;
import java.util.Locale;

import sc.fiji.scoresde.hub.HubClient;

/** Download progress of hub files on stderr, one line per file. */
final class DownloadBar implements HubClient.Progress {

	private final PrintWriter err;
	private String current;

	DownloadBar(final PrintWriter err) {
		this.err = err;
	}

	@Override
	public void bytes(final String file, final long done, final long total) {
		if (!file.equals(current)) {
			if (current != null) err.println();
			current = file;
		}
		err.printf(Locale.ROOT, "\rdownloading %s %.1f/%s MB", file, done / 1e6, total < 0 ? "?" : String.format(
			Locale.ROOT, "%.1f", total / 1e6));
		if (done == total) {
			err.println();
			current = null;
		}
		err.flush();
	}
}
