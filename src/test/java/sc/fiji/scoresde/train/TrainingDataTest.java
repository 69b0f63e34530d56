package sc.fiji.scoresde.train;

import sc.fiji.scoresde.images.IdxImages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random crops and flips, and reading folders, TIFF stacks and idx files into [0, 1]. */
class TrainingDataTest {

	@Test
	void cropsAndFlipsComeFromTheImageAndDependOnlyOnTheSeed() {
		// one 1×4×6 image holding 0..23
		final float[] v = new float[24];
		for (int i = 0; i < v.length; i++)
			v[i] = i;
		final TrainingImages set = new TrainingImages(1, List.of(new TrainingImages.Image("ramp", 4, 6, v)), "raw");
		final float[] a = set.batch(new Random(5), 50, 2, 3, true);
		assertArrayEquals(a, set.batch(new Random(5), 50, 2, 3, true));
		boolean flipped = false, straight = false;
		for (int b = 0; b < 50; b++) {
			final float first = a[b * 6], second = a[b * 6 + 1];
			// rows of the crop are 6 apart in the source; columns step by +1, or by −1 when mirrored
			assertEquals(first + 6, a[b * 6 + 3], 0f);
			if (second == first + 1) straight = true;
			else if (second == first - 1) flipped = true;
			else throw new AssertionError("crop " + b + " is not a window of the image: " + first + ", " + second);
		}
		assertTrue(flipped && straight, "both mirrored and straight crops in 50 draws");
		final float[] noFlip = set.batch(new Random(5), 50, 2, 3, false);
		for (int b = 0; b < 50; b++)
			assertEquals(noFlip[b * 6] + 1, noFlip[b * 6 + 1], 0f);
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.checkCrop(8, 8));
		assertTrue(e.getMessage().contains("ramp is 6×4, smaller than the training size 8×8"), e.getMessage());
	}

	@Test
	void largestPairwiseDistanceIsThePapersSigmaMaxRule() {
		final TrainingImages set = new TrainingImages(1, List.of(new TrainingImages.Image("zero", 2, 2, new float[4]),
			new TrainingImages.Image("one", 2, 2, new float[] { 1, 1, 1, 1 }), new TrainingImages.Image("half", 2, 2,
				new float[] { .5f, .5f, .5f, .5f })), "raw");
		assertEquals(2.0, set.largestPairwiseDistance(2, 2), 1e-9);
	}

	@Test
	void foldersOfEightBitImagesAreScaledBy255AndColourDecidesTheChannels(@TempDir final Path dir) throws Exception {
		final BufferedImage grey = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
		grey.getRaster().setSample(1, 2, 0, 255);
		grey.getRaster().setSample(0, 0, 0, 51);
		ImageIO.write(grey, "png", dir.resolve("a.png").toFile());
		final BufferedImage rgb = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
		rgb.setRGB(2, 1, 0xff0000);
		ImageIO.write(rgb, "png", dir.resolve("b.png").toFile());
		Files.writeString(dir.resolve("notes.txt"), "not an image");

		final TrainingImages auto = ImageSources.load(dir, 0, 0);
		assertEquals(3, auto.channels);
		assertEquals(2, auto.count());
		final float[] a = auto.images().get(0).chw;
		assertEquals(1f, a[2 * 4 + 1], 0f);
		assertEquals(0.2f, a[0], 1e-6f);
		assertEquals(0.2f, a[12], 1e-6f, "grey repeated into green");
		final float[] b = auto.images().get(1).chw;
		assertEquals(1f, b[4 + 2], 0f);
		assertEquals(0f, b[12 + 4 + 2], 0f);

		final TrainingImages grey1 = ImageSources.load(dir, 1, 0);
		assertEquals(1, grey1.channels);
		assertEquals(0.299f, grey1.images().get(1).chw[4 + 2], 1e-6f, "luma of pure red");

		final Path bad = dir.resolve("broken.png");
		Files.write(bad, new byte[] { (byte) 0x89, 'P', 'N', 'G', 1, 2, 3 });
		final IOException e = assertThrows(IOException.class, () -> ImageSources.load(dir, 0, 0));
		assertTrue(e.getMessage().contains("broken.png"), e.getMessage());

		final Path empty = Files.createDirectory(dir.resolve("empty"));
		final IOException none = assertThrows(IOException.class, () -> ImageSources.load(empty, 0, 0));
		assertTrue(none.getMessage().contains("holds no image files"), none.getMessage());
		assertThrows(java.nio.file.NoSuchFileException.class, () -> ImageSources.load(dir.resolve("missing"), 0, 0));
	}

	@Test
	void sixteenBitTiffStacksAreScaledByTheirRange(@TempDir final Path dir) throws Exception {
		final BufferedImage page = new BufferedImage(2, 2, BufferedImage.TYPE_USHORT_GRAY);
		final WritableRaster r = page.getRaster();
		r.setSample(0, 0, 0, 1000);
		r.setSample(1, 0, 0, 3000);
		r.setSample(0, 1, 0, 2000);
		r.setSample(1, 1, 0, 2000);
		final Path tif = dir.resolve("stack.tif");
		ImageIO.write(page, "tif", tif.toFile());
		final TrainingImages set = ImageSources.load(tif, 0, 0);
		assertEquals(1, set.channels);
		assertArrayEquals(new float[] { 0, 1, .5f, .5f }, set.images().get(0).chw, 1e-6f);
		assertTrue(set.scaling.contains("minimum and range"), set.scaling);
	}

	@Test
	void idxFilesReadAsGreyImages(@TempDir final Path dir) throws Exception {
		final Path idx = writeIdx(dir.resolve("t-images-idx3-ubyte.gz"), 3, 2, 2);
		final TrainingImages set = ImageSources.load(idx, 0, 0);
		assertEquals(3, set.count());
		assertEquals(1, set.channels);
		assertArrayEquals(new float[] { 0, 1 / 255f, 2 / 255f, 3 / 255f }, set.images().get(0).chw, 1e-7f);
		assertEquals(2, ImageSources.load(idx, 0, 2).count());
	}

	/** An idx3 file of n images whose bytes count up. */
	static Path writeIdx(final Path file, final int n, final int rows, final int cols) throws IOException {
		try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
			out.writeInt(IdxImages.MAGIC);
			out.writeInt(n);
			out.writeInt(rows);
			out.writeInt(cols);
			for (int i = 0; i < n * rows * cols; i++)
				out.write(i % 256);
		}
		return file;
	}
}
