package sc.fiji.scoresde.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.time.Duration;

import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.images.UserImage;

/**
 * Any byte string given to the PNG/TIFF/JPEG/BMP/GIF decoder of the user's images either reads as whole images, every
 * page of it, or ends in a ModelFormatException with a message (an OutOfMemoryError from a declared size is a
 * finding, and so is a decode that does not end within the time limit: assertTimeoutPreemptively fails it, see
 * TiffPagesFuzzTest). Seed corpus: ImageDecoderFuzzTestInputs/ (small files Java's ImageIO wrote, and findings).
 */
class ImageDecoderFuzzTest {

	private static final Duration HANG = Duration.ofSeconds(10);

	@FuzzTest(maxDuration = "60s")
	void imageDecoderFailsOnlyWithModelFormatException(final byte[] data) {
		assertTimeoutPreemptively(HANG, () -> decodeAllPages(data), "decoding did not end within " + HANG);
	}

	private static void decodeAllPages(final byte[] data) {
		try {
			for (final UserImage page : UserImage.decodePages(data, "fuzz image", 0))
				NpyFuzzTest.check(page);
		}
		catch (final ModelFormatException e) {
			if (e.getMessage() == null || e.getMessage().isEmpty()) throw new AssertionError("error without message");
		}
	}
}
