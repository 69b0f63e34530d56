package sc.fiji.scoresde.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

import sc.fiji.scoresde.io.ModelFormatException;
import sc.fiji.scoresde.io.UserImage;

/**
 * Any byte string given to the PNG/TIFF/JPEG/BMP/GIF decoder of the user's images either reads as a whole image or
 * ends in a ModelFormatException with a message (an OutOfMemoryError from a declared size is a finding). Seed
 * corpus: ImageDecoderFuzzTestInputs/ (small files Java's ImageIO wrote).
 */
class ImageDecoderFuzzTest {

	@FuzzTest(maxDuration = "60s")
	void imageDecoderFailsOnlyWithModelFormatException(final byte[] data) {
		try {
			NpyFuzzTest.check(UserImage.decode(data, "fuzz image"));
		}
		catch (final ModelFormatException e) {
			if (e.getMessage() == null || e.getMessage().isEmpty()) throw new AssertionError("error without message");
		}
	}
}
