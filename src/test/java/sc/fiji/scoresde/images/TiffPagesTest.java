package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TIFF page walker and the user-image reader's use of it (issue 24: a looping page chain hung every reader). */
class TiffPagesTest {

	private static final Duration HANG = Duration.ofSeconds(10);

	private static final byte[] GREY = new byte[6 * 4];

	static int count(final byte[] tiff, final int limit) throws Exception {
		try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(tiff))) {
			final int pages = TiffPages.count(in, "t.tif", limit);
			assertEquals(0, in.getStreamPosition(), "the stream is handed back at its start");
			return pages;
		}
	}

	@Test
	void countsThePagesOfAChainInEitherByteOrder() throws Exception {
		assertEquals(1, count(TestTiffs.littleEndian().grey(6, 4, GREY).bytes(), 0));
		assertEquals(3, count(TestTiffs.bigEndian().grey(6, 4, GREY).grey(6, 4, GREY).grey(6, 4, GREY).bytes(), 0));
		assertEquals(2, count(TestTiffs.bigEndian().grey(6, 4, GREY).grey(6, 4, GREY).grey(6, 4, GREY).bytes(), 2),
			"limit");
	}

	@Test
	void aChainWhoseFirstIfdPointsAtItselfIsRefusedNotWalkedForever() {
		final byte[] tiff = TestTiffs.littleEndian().grey(6, 4, GREY).loopBackTo(0).bytes();
		final ModelFormatException e = assertTimeoutPreemptively(HANG, () -> assertThrows(ModelFormatException.class,
			() -> count(tiff, 0)));
		assertTrue(e.getMessage().startsWith("t.tif: its page chain loops (the IFD after page 1 is page 1's"), e
			.getMessage());
	}

	@Test
	void aChainThatLoopsBackToAnEarlierPageIsRefused() {
		final byte[] tiff = TestTiffs.bigEndian().grey(6, 4, GREY).grey(6, 4, GREY).grey(6, 4, GREY).loopBackTo(1)
			.bytes();
		final ModelFormatException e = assertTimeoutPreemptively(HANG, () -> assertThrows(ModelFormatException.class,
			() -> count(tiff, 0)));
		assertTrue(e.getMessage().contains("the IFD after page 3 is page 2's"), e.getMessage());
		assertTrue(e.getMessage().contains("damaged"), e.getMessage());
	}

	@Test
	void aLoopPastTheRequestedPagesIsNotReached() throws Exception {
		final byte[] tiff = TestTiffs.littleEndian().grey(6, 4, GREY).grey(6, 4, GREY).loopBackTo(0).bytes();
		assertEquals(2, count(tiff, 2));
	}

	@Test
	void bigTiffAndDamagedHeadersAreRefusedWithASentence() {
		final byte[] big = TestTiffs.littleEndian().grey(6, 4, GREY).bytes();
		ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN).putShort(2, (short) 43);
		assertTrue(assertThrows(ModelFormatException.class, () -> count(big, 0)).getMessage().contains(
			"is a BigTIFF, which Java's TIFF reader does not read"));
		final byte[] outside = TestTiffs.littleEndian().grey(6, 4, GREY).bytes();
		ByteBuffer.wrap(outside).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 1 << 30);
		final String beyond = assertThrows(ModelFormatException.class, () -> count(outside, 0)).getMessage();
		assertTrue(beyond.contains("page 1") && beyond.contains("the file is damaged or cut short"), beyond);
		final byte[] cut = TestTiffs.littleEndian().grey(6, 4, GREY).bytes();
		final byte[] shorter = java.util.Arrays.copyOf(cut, cut.length - 10);
		assertTrue(assertThrows(ModelFormatException.class, () -> count(shorter, 0)).getMessage().contains(
			"cut short"));
		assertTrue(assertThrows(ModelFormatException.class, () -> count(new byte[] { 'I', 'I', 42, 0, 0, 0, 0, 0 },
			0)).getMessage().contains("holds no image"));
	}

	/** The likelihood command's reader: before the walker, getNumImages(true) followed the loop forever. */
	@Test
	void theStackReaderRefusesALoopingTiffInsteadOfHanging(@TempDir final Path dir) throws Exception {
		final Path file = Files.write(dir.resolve("loop.tif"), TestTiffs.littleEndian().grey(6, 4, GREY).grey(6, 4,
			GREY).loopBackTo(0).bytes());
		final ModelFormatException e = assertTimeoutPreemptively(HANG, () -> assertThrows(ModelFormatException.class,
			() -> UserImage.readStack(file, 0)));
		assertTrue(e.getMessage().startsWith(file + ": its page chain loops"), e.getMessage());
		final Path ok = Files.write(dir.resolve("ok.tif"), TestTiffs.bigEndian().grey(6, 4, GREY).grey(6, 4, GREY)
			.bytes());
		final List<UserImage> pages = UserImage.readStack(ok, 0);
		assertEquals(2, pages.size());
		assertEquals(6, pages.get(1).width);
		assertTrue(pages.get(1).source.endsWith("ok.tif page 2"), pages.get(1).source);
	}
}
