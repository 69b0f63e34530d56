package sc.fiji.scoresde.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;

import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import sc.fiji.scoresde.images.ImagePages;
import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.images.TiffPages;

/**
 * Any byte string given to the TIFF page walker ends, within a time limit, in a page count (1 to MAX_PAGES) or a
 * ModelFormatException with a message; and the pages it counts are ones Java's TIFF reader finds (their sizes read
 * from their headers, again within the limit). The limit makes a hang a finding: assertTimeoutPreemptively runs the
 * input on another thread and fails the test (in fuzzing mode: a crash, saved as a finding) when it has not ended,
 * where JUnit's @Timeout would also cut short the whole fuzzing run in Jazzer 0.30 (jazzer issue 930). Seed
 * corpus: TiffPagesFuzzTestInputs/ (tiny TIFFs written by src/test/scripts/hostile_images.py --seeds: one page little
 * endian, two pages big endian, a float page, a page chain looping back to itself).
 */
class TiffPagesFuzzTest {

	/** A walk over a few KB takes microseconds; 5 s is a hang even under the fuzzer's instrumentation. */
	private static final Duration HANG = Duration.ofSeconds(5);

	@FuzzTest(maxDuration = "60s")
	void tiffPageWalkerEndsInACountOrAModelFormatException(final byte[] data) {
		assertTimeoutPreemptively(HANG, () -> walk(data), "the page walk did not end within " + HANG);
	}

	private static void walk(final byte[] data) {
		final int pages;
		try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
			pages = TiffPages.count(in, "fuzz.tif", 0);
		}
		catch (final ModelFormatException e) {
			requireMessage(e);
			return;
		}
		catch (final IOException e) {
			throw new AssertionError("not a ModelFormatException", e);
		}
		if (pages < 1 || pages > TiffPages.MAX_PAGES) throw new AssertionError("page count " + pages);
		try (ImagePages opened = ImagePages.open(new MemoryCacheImageInputStream(new ByteArrayInputStream(data)),
			"fuzz.tif", 0))
		{
			if (opened.count != pages) throw new AssertionError(opened.count + " pages opened, " + pages + " counted");
			opened.declaredPixels();
		}
		catch (final ModelFormatException e) {
			requireMessage(e);
		}
	}

	private static void requireMessage(final ModelFormatException e) {
		if (e.getMessage() == null || e.getMessage().isEmpty()) throw new AssertionError("error without message");
	}
}
