package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pixel budget for a whole set, from the headers (issue 24: a folder of 4 KB blank 2048² PNGs filled the heap,
 * because the user-image reader's limit was per file).
 */
class ImageSetBudgetTest {

	@Test
	void aFolderOfBlankPagesOverTheBudgetIsRefusedFromTheirHeaders(@TempDir final Path dir) throws Exception {
		final Path folder = TestPngs.blankFolderOverTheBudget(dir);
		final ModelFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
			ModelFormatException.class, () -> UserImage.readStack(folder, 0)));
		final long allowed = PixelBudget.ofHeap("x").allowed(), files = allowed / (2048 * 2048) + 2;
		assertTrue(e.getMessage().startsWith(folder + ": its " + files + " images declare " + ((files - 1) * 2048 *
			2048 + 16) + " pixels, more than the " + allowed + " one command reads at once"), e.getMessage());
		assertTrue(e.getMessage().contains("give Java more memory"), e.getMessage());
	}

	@Test
	void aLimitBelowTheBudgetReadsTheFirstImagesOnly(@TempDir final Path dir) throws Exception {
		final Path folder = TestPngs.blankFolderOverTheBudget(dir);
		assertEquals(1, UserImage.readStack(folder, 1).size());
	}

	@Test
	void theBudgetIsTheHeapOverSixtyFourBytesPerPixel() {
		assertEquals(Runtime.getRuntime().maxMemory() / 64, PixelBudget.ofHeap("x").allowed());
	}
}
