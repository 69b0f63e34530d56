package sc.fiji.scoresde.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.runtime.GeneratedImages;

/** The CLI's TIFF: the bytes ImageJ's FileSaver writes, but a failed write is an exception with its reason. */
class TiffStackWriterTest {

	@TempDir
	Path dir;

	private static GeneratedImages images(final int batch, final int channels) {
		final float[] v = new float[batch * 5 * 7 * channels];
		final Random r = new Random(batch * 10 + channels);
		for (int i = 0; i < v.length; i++)
			v[i] = r.nextFloat();
		return new GeneratedImages(v, batch, 5, 7, channels, 42, "cpu", 3);
	}

	@Test
	void theBytesAreThoseOfImageJsFileSaver() throws Exception {
		final int[][] shapes = { { 1, 1 }, { 3, 1 }, { 1, 3 }, { 2, 3 }, { 2, 2 }, { 1, 4 } };
		for (final int[] shape : shapes) {
			final GeneratedImages g = images(shape[0], shape[1]);
			final Path ours = dir.resolve("ours-" + shape[0] + "-" + shape[1] + ".tif");
			final Path imagej = dir.resolve("imagej-" + shape[0] + "-" + shape[1] + ".tif");
			TiffStackWriter.write(ours, g);
			final ImagePlus imp = ImagePlusConversion.toImagePlus(g, ours.getFileName().toString());
			final FileSaver saver = new FileSaver(imp);
			assertTrue(imp.getStackSize() > 1 ? saver.saveAsTiffStack(imagej.toString()) : saver.saveAsTiff(imagej
				.toString()));
			assertArrayEquals(Files.readAllBytes(imagej), Files.readAllBytes(ours), shape[0] + " images × " + shape[1] +
				" channels");
		}
	}

	@Test
	void aFailedWriteSaysWhyAndLeavesNothing() throws Exception {
		final Path folder = Files.createDirectory(dir.resolve("taken.tif"));
		final IOException e = assertThrows(IOException.class, () -> TiffStackWriter.write(folder, images(2, 1)));
		assertTrue(e.getMessage().contains("existing folder"), e.getMessage());
		try (java.util.stream.Stream<Path> files = Files.list(dir)) {
			assertEquals(1, files.count());
		}
		assertFalse(Files.exists(folder.resolve("taken.tif")));
	}
}
