package sc.fiji.scoresde.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.errors.ModelFormatException;

class IdxImagesTest {

	static byte[] idx(final int magic, final int n, final int rows, final int cols, final int pixels) throws Exception {
		final ByteArrayOutputStream b = new ByteArrayOutputStream();
		final DataOutputStream d = new DataOutputStream(b);
		d.writeInt(magic);
		d.writeInt(n);
		d.writeInt(rows);
		d.writeInt(cols);
		for (int i = 0; i < pixels; i++)
			d.writeByte(i % 256);
		return b.toByteArray();
	}

	@Test
	void readsPlainAndGzippedIdxImagesInTheUnitInterval(@TempDir final Path dir) throws Exception {
		final byte[] data = idx(IdxImages.MAGIC, 3, 2, 2, 12);
		final Path plain = dir.resolve("t10k-images-idx3-ubyte");
		Files.write(plain, data);
		final Path gz = dir.resolve("t10k-images-idx3-ubyte.gz");
		try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
			out.write(data);
		}
		for (final Path p : new Path[] { plain, gz }) {
			final IdxImages images = IdxImages.read(p, 0);
			assertEquals(3, images.count);
			assertEquals(2, images.rows);
			assertEquals(11 / 255f, images.pixels[11], 1e-7);
		}
		assertEquals(2, IdxImages.read(plain, 2).count, "limit");
	}

	@Test
	void badFilesAreClearErrors(@TempDir final Path dir) throws Exception {
		final Path labels = dir.resolve("labels");
		Files.write(labels, idx(0x00000801, 3, 2, 2, 0));
		assertTrue(assertThrows(ModelFormatException.class, () -> IdxImages.read(labels, 0)).getMessage().contains(
			"magic"));
		final Path huge = dir.resolve("huge");
		Files.write(huge, idx(IdxImages.MAGIC, Integer.MAX_VALUE, 1000, 1000, 0));
		assertTrue(assertThrows(ModelFormatException.class, () -> IdxImages.read(huge, 0)).getMessage().contains(
			"impossible"));
		final Path cut = dir.resolve("cut");
		Files.write(cut, idx(IdxImages.MAGIC, 3, 2, 2, 5));
		assertTrue(assertThrows(ModelFormatException.class, () -> IdxImages.read(cut, 0)).getMessage().contains(
			"truncated"));
	}

	/** A 16-byte header declaring 2^20 images of 44×44 (2·10⁹ pixels, 8 GB of floats) used to be allocated. */
	@Test
	void aHeaderDeclaringMoreThanThePixelBudgetIsRefusedBeforeAllocating(@TempDir final Path dir) throws Exception {
		final Path huge = Files.write(dir.resolve("huge-images-idx3-ubyte"), idx(IdxImages.MAGIC, 1 << 20, 44, 44, 0));
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> IdxImages.read(huge, 0));
		assertTrue(e.getMessage().startsWith(huge + ": its 1048576 images declare 2030043136 pixels, more than the"),
			e.getMessage());
		assertEquals(1, IdxImages.declared(huge, 1)[0], "a limit counts only the images kept");
	}

	@Test
	void anUncompressedFileShorterThanItsHeaderDeclaresIsRefusedBeforeAllocating(@TempDir final Path dir)
		throws Exception
	{
		final Path cut = Files.write(dir.resolve("cut-images-idx3-ubyte"), idx(IdxImages.MAGIC, 1000, 28, 28, 100));
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> IdxImages.read(cut, 0));
		assertTrue(e.getMessage().contains("it holds 116 bytes, its header declares 1000 images of 28×28"), e
			.getMessage());
	}

	@Test
	void sigmaMaxRuleIsTheLargestPairwiseDistance() {
		final float[] images = { 0, 0, 3, 4, 1, 1 };
		assertEquals(5.0, IdxImages.largestPairwiseDistance(images, 3, 2, 10), 1e-9);
	}
}
