package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The one wording of sampling progress that ImageJ 1's status bar and SciJava's StatusService both show. */
class ProgressMessagesTest {

	static final class Recorded implements ProgressMessages.Display {

		final List<String> shown = new ArrayList<>();

		@Override
		public void status(final String message, final int done, final int total) {
			shown.add(message + (total > 0 ? " [" + done + "/" + total + "]" : ""));
		}

		@Override
		public void bar(final int done, final int total) {
			shown.add("[" + done + "/" + total + "]");
		}
	}

	@Test
	void plannedCallsShowAsCallOfTotalWithTheBar() {
		final Recorded r = new Recorded();
		final ProgressMessages p = new ProgressMessages("Score SDE VE", r);
		p.networkCallDone(3, 20);
		p.networkCallDone(20, 20);
		assertEquals(List.of("Score SDE VE: network call 3/20 [3/20]", "Score SDE VE: network call 20/20 [20/20]"),
			r.shown);
	}

	@Test
	void adaptiveSamplersShowTheSigmaReachedAndTheShareOfLogSigmaInTheBar() {
		final Recorded r = new Recorded();
		final ProgressMessages p = new ProgressMessages("Score SDE VE interpolate", r);
		p.networkCallDone(1, -1);
		p.noiseLevelReached(0.5234, 0.25);
		p.networkCallDone(2, -1);
		assertEquals(List.of("Score SDE VE interpolate: network call 1 (adaptive)", "[250/1000]",
			"Score SDE VE interpolate: network call 2 (adaptive), sigma 0.523 reached"), r.shown);
	}

	@Test
	void smallResultsOpenZoomedToAUsableWindowAndLargeOnesAtOneHundredPercent() {
		assertEquals(8.0, ResultWindow.zoomFor(28, 28), "the bundled model's 28×28 at 800 %");
		assertEquals(8.0, ResultWindow.zoomFor(32, 32));
		assertEquals(1.0, ResultWindow.zoomFor(256, 256));
		assertEquals(2.0, ResultWindow.zoomFor(128, 64));
	}
}
