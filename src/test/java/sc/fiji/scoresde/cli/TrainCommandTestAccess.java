package sc.fiji.scoresde.cli;

import java.nio.file.Path;

/** Lets tests of other packages reuse the training-data helpers of {@link TrainCommandTest}. */
public final class TrainCommandTestAccess {

	private TrainCommandTestAccess() {}

	public static Path pngFolder(final Path dir, final int n) throws Exception {
		return TrainCommandTest.pngFolder(dir, n);
	}
}
