package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserImageTest {

	/** A 100-byte PNG that declares 100000×100000 pixels is refused from its header, before any raster exists. */
	@Test
	void hugeDeclaredSizeIsRefusedBeforeDecoding(@TempDir final Path dir) throws Exception {
		final byte[] png = png(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY));
		final ByteBuffer b = ByteBuffer.wrap(png);
		// IHDR is the first chunk: length (4) "IHDR" (4) width (4) height (4) … CRC over type + data
		b.putInt(16, 100_000).putInt(20, 100_000);
		final CRC32 crc = new CRC32();
		crc.update(png, 12, 4 + 13);
		b.putInt(12 + 4 + 13, (int) crc.getValue());
		final Path file = Files.write(dir.resolve("bomb.png"), png);
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> UserImage.read(file));
		assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("100000×100000"), e.getMessage());
	}

	/**
	 * The fuzzer's 1 KB GIF whose image descriptor declares a page of several thousand pixels a side: refused from the
	 * header (pages above 2048² are not read), where decoding it used to allocate over 1 GB.
	 */
	@Test
	void aSmallGifDeclaringAHugePageIsRefusedBeforeDecoding() throws Exception {
		final byte[] gif = Files.readAllBytes(Paths.get("src/test/resources/sc/fiji/scoresde/fuzz/" +
			"ImageDecoderFuzzTestInputs/imageDecoderFailsOnlyWithModelFormatException/" +
			"finding-gif-declaring-a-huge-palette-image"));
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> UserImage.decode(gif,
			"finding.gif"));
		assertTrue(e.getMessage().contains("finding.gif") && e.getMessage().contains("2048×2048"), e.getMessage());
	}

	@Test
	void npyOfAnotherVersionOrOverflowingShapeIsRefused() {
		final ModelFormatException v = assertThrows(ModelFormatException.class, () -> NpyReader.read(new byte[] {
			(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 16, 0 }, "short.npy"));
		assertTrue(v.getMessage().startsWith("short.npy: .npy header is damaged"), v.getMessage());
		final ModelFormatException w = assertThrows(ModelFormatException.class, () -> NpyReader.read(new byte[] {
			(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 9, 0, 0, 0 }, "v9.npy"));
		assertTrue(w.getMessage().contains("version 9"), w.getMessage());
		final String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }\n";
		final byte[] h = header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
		final byte[] file = ByteBuffer.allocate(10 + h.length).put(new byte[] { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1,
			0 }).put((byte) h.length).put((byte) 0).put(h).array();
		final ModelFormatException s = assertThrows(ModelFormatException.class, () -> NpyReader.read(file, "big.npy"));
		assertTrue(s.getMessage().contains("out of range"), s.getMessage());
	}

	@Test
	void decodedBytesEqualTheFileRead(@TempDir final Path dir) throws Exception {
		final BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
		img.getRaster().setSample(1, 1, 0, 255);
		final byte[] png = png(img);
		final UserImage a = UserImage.decode(png, "bytes"), b = UserImage.read(Files.write(dir.resolve("x.png"), png));
		assertEquals(1, a.channels);
		assertArrayEquals(new float[] { 0, 0, 0, 0, 1, 0 }, a.chw);
		assertArrayEquals(a.chw, b.chw);
	}

	private static byte[] png(final BufferedImage img) throws Exception {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(img, "png", out);
		return out.toByteArray();
	}
}
