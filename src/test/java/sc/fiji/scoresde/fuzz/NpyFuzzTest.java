package sc.fiji.scoresde.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.images.NpyReader;
import sc.fiji.scoresde.images.UserImage;

/**
 * Any byte string given to the .npy reader of the user's images either reads as a whole image or ends in a
 * ModelFormatException with a message. Seed corpus: NpyFuzzTestInputs/ (files numpy wrote, two damaged headers).
 * One fuzz test per class: Jazzer fuzzes only the first of a class in one run.
 */
class NpyFuzzTest {

	@FuzzTest(maxDuration = "60s")
	void npyReaderFailsOnlyWithModelFormatException(final byte[] data) {
		try {
			check(NpyReader.read(data, "fuzz.npy"));
		}
		catch (final ModelFormatException e) {
			if (e.getMessage() == null || e.getMessage().isEmpty()) throw new AssertionError("error without message");
		}
	}

	/** What a reader returns is a whole image: 1 or 3 channels, positive size, one value per pixel and channel. */
	static void check(final UserImage image) {
		if (image.channels != 1 && image.channels != 3 || image.height < 1 || image.width < 1 || image.chw.length !=
			(long) image.channels * image.height * image.width) throw new AssertionError("inconsistent image " +
				image.channels + "×" + image.height + "×" + image.width + " with " + image.chw.length + " values");
	}
}
