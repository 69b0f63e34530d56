package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several images from one path (the likelihood command's input): .npy stacks, idx files, TIFF pages, folders. */
class UserImageStackTest {

	@Test
	void npyStacksOfGreyAndColourImages(@TempDir final Path dir) throws Exception {
		final float[] grey = new float[3 * 2 * 4];
		for (int i = 0; i < grey.length; i++)
			grey[i] = i / 100f;
		final Path g = dir.resolve("grey.npy");
		NpyWriter.writeFloat32(g, grey, 3, 2, 4);
		final List<UserImage> a = UserImage.readStack(g, 0);
		assertEquals(3, a.size());
		assertEquals(1, a.get(2).channels);
		assertEquals(2, a.get(2).height);
		assertEquals(4, a.get(2).width);
		assertEquals(0.16f, a.get(2).chw[0], 0);
		// (N, H, W, C): channels last in the file, planar in the image
		final float[] rgb = new float[2 * 2 * 2 * 3];
		for (int i = 0; i < rgb.length; i++)
			rgb[i] = i / 10f;
		final Path c = dir.resolve("rgb.npy");
		NpyWriter.writeFloat32(c, rgb, 2, 2, 2, 3);
		final List<UserImage> b = UserImage.readStack(c, 0);
		assertEquals(2, b.size());
		assertEquals(3, b.get(1).channels);
		assertArrayEquals(new float[] { 1.2f, 1.5f, 1.8f, 2.1f, 1.3f, 1.6f, 1.9f, 2.2f, 1.4f, 1.7f, 2.0f, 2.3f }, b.get(1)
			.chw, 0);
		assertEquals(1, UserImage.readStack(c, 1).size(), "limit");
		// one image (H, W) is a stack of one
		NpyWriter.writeFloat32(dir.resolve("one.npy"), new float[6], 2, 3);
		assertEquals(1, UserImage.readStack(dir.resolve("one.npy"), 0).size());
	}

	@Test
	void idxFilesGiveOneImagePerRecord(@TempDir final Path dir) throws Exception {
		final Path idx = dir.resolve("t10k-images-idx3-ubyte.gz");
		try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(idx)))) {
			out.writeInt(0x803);
			out.writeInt(4);
			out.writeInt(2);
			out.writeInt(3);
			for (int i = 0; i < 24; i++)
				out.write(i * 10);
		}
		final List<UserImage> all = UserImage.readStack(idx, 0);
		assertEquals(4, all.size());
		assertEquals(60 / 255f, all.get(1).chw[0], 1e-7);
		assertEquals(3, all.get(1).width);
		assertTrue(all.get(3).source.endsWith("image 3"), all.get(3).source);
		assertEquals(2, UserImage.readStack(idx, 2).size());
	}

	@Test
	void tiffPagesAndFoldersInNameOrder(@TempDir final Path dir) throws Exception {
		final Path tif = dir.resolve("b-pages.tif");
		final ImageWriter w = ImageIO.getImageWritersByFormatName("tiff").next();
		try (ImageOutputStream out = ImageIO.createImageOutputStream(tif.toFile())) {
			w.setOutput(out);
			w.prepareWriteSequence(null);
			for (int p = 0; p < 3; p++) {
				final BufferedImage im = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
				im.getRaster().setSample(0, 0, 0, 51 * (p + 1));
				w.writeToSequence(new IIOImage(im, null, null), null);
			}
			w.endWriteSequence();
		}
		finally {
			w.dispose();
		}
		final List<UserImage> pages = UserImage.readStack(tif, 0);
		assertEquals(3, pages.size());
		assertEquals(0.6f, pages.get(2).chw[0], 1e-6);
		assertTrue(pages.get(2).source.endsWith("page 3"), pages.get(2).source);
		assertEquals(2, UserImage.readStack(tif, 2).size());

		final BufferedImage one = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
		ImageIO.write(one, "png", dir.resolve("a.png").toFile());
		Files.write(dir.resolve("notes.txt"), new byte[] { 1 });
		final List<UserImage> folder = UserImage.readStack(dir, 0);
		assertEquals(4, folder.size(), "a.png then the three pages of b-pages.tif; notes.txt ignored");
		assertEquals(0f, folder.get(0).chw[0]);
		assertEquals(0.2f, folder.get(1).chw[0], 1e-6);
		assertEquals(2, UserImage.readStack(dir, 2).size());
	}

	@Test
	void missingEmptyOrDamagedInputsAreNamed(@TempDir final Path dir) throws Exception {
		assertThrows(java.nio.file.NoSuchFileException.class, () -> UserImage.readStack(dir.resolve("none.png"), 0));
		final Path empty = Files.createDirectory(dir.resolve("empty"));
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> UserImage.readStack(empty, 0));
		assertTrue(e.getMessage().contains("holds no image files"), e.getMessage());
		final Path bad = dir.resolve("bad.npy");
		Files.write(bad, new byte[] { 1, 2, 3 });
		final ModelFormatException n = assertThrows(ModelFormatException.class, () -> UserImage.readStack(bad, 0));
		assertTrue(n.getMessage().startsWith(bad.toString()), n.getMessage());
		final Path four = dir.resolve("four.npy");
		NpyWriter.writeFloat32(four, new float[2 * 2 * 2 * 5], 2, 2, 2, 5);
		final ModelFormatException c = assertThrows(ModelFormatException.class, () -> UserImage.readStack(four, 0));
		assertTrue(c.getMessage().contains("four.npy"), c.getMessage());
	}
}
