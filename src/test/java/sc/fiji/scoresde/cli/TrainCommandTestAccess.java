package sc.fiji.scoresde.cli;

import java.nio.file.Path;

/** Lets tests of other packages reuse the training-data helpers of {@link TrainCommandTest}. */
public final class TrainCommandTestAccess {

	private TrainCommandTestAccess() {}

	public static Path pngFolder(final Path dir, final int n) throws Exception {
		return TrainCommandTest.pngFolder(dir, n);
	}

	/** An idx3 file of n 8×8 images, each a bright bar on one random row. */
	public static Path barsIdx(final Path file, final int n, final long seed) throws Exception {
		return TrainCommandTest.barsIdx(file, n, seed);
	}
}
