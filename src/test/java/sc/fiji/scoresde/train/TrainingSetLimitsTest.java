package sc.fiji.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.images.PixelBudget;
import sc.fiji.scoresde.images.TestPngs;
import sc.fiji.scoresde.images.TestTiffs;

/**
 * The training and evaluation reader refuses hostile files as the user-image reader does (issue 24): a looping TIFF
 * page chain, a page declared above 2048², a set over the heap's pixel budget — from the headers, before decoding.
 */
class TrainingSetLimitsTest {

	@Test
	void aLoopingTiffIsRefusedInsteadOfHanging(@TempDir final Path dir) throws Exception {
		final byte[] grey = new byte[8 * 8];
		final Path file = Files.write(dir.resolve("loop.tif"), TestTiffs.bigEndian().grey(8, 8, grey).grey(8, 8,
			grey).grey(8, 8, grey).loopBackTo(0).bytes());
		final ModelFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
			ModelFormatException.class, () -> ImageSources.load(file, 0, 0)));
		assertTrue(e.getMessage().startsWith(file + ": its page chain loops (the IFD after page 3 is page 1's"), e
			.getMessage());
		final Path ok = Files.write(dir.resolve("ok.tif"), TestTiffs.littleEndian().grey(8, 8, grey).grey(8, 8, grey)
			.bytes());
		assertEquals(2, ImageSources.load(ok, 0, 0).count());
	}

	/** A PNG of a few hundred bytes declaring 20000×20000: the training reader used to allocate its raster. */
	@Test
	void aPageDeclaredAbove2048SquaredIsRefusedFromItsHeader(@TempDir final Path dir) throws Exception {
		final Path file = Files.write(dir.resolve("huge.png"), TestPngs.png(20000, 20000, new byte[] { 0x78, 0x01 }));
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> ImageSources.load(file, 0, 0));
		assertTrue(e.getMessage().startsWith(file + ": declares 20000×20000 pixels; images of at most 4194304 " +
			"pixels (2048×2048) are read"), e.getMessage());
	}

	@Test
	void aFolderOverThePixelBudgetIsRefusedBeforeAnyPageIsDecoded(@TempDir final Path dir) throws Exception {
		final Path folder = TestPngs.blankFolderOverTheBudget(dir);
		final ModelFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
			ModelFormatException.class, () -> ImageSources.load(folder, 0, 0)));
		final long allowed = PixelBudget.ofHeap("x").allowed();
		assertTrue(e.getMessage().startsWith(folder + ": its ") && e.getMessage().contains("more than the " + allowed +
			" one command reads at once"), e.getMessage());
	}
}
