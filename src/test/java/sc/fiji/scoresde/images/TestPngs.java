package sc.fiji.scoresde.images;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * 8-bit grey PNGs written chunk by chunk: an all-black image of any size compresses to a few KB (a 2048² one to
 * about 4 KB), and the declared size can disagree with the data, so tests can make small files that declare many
 * pixels.
 */
public final class TestPngs {

	private TestPngs() {}

	/** An all-black 8-bit grey PNG of width × height whose pixel data is complete. */
	public static byte[] black(final int width, final int height) {
		final Deflater deflater = new Deflater(9);
		final ByteArrayOutputStream z = new ByteArrayOutputStream();
		final byte[] row = new byte[1 + width], buffer = new byte[1 << 16];
		for (int y = 0; y < height; y++) {
			deflater.setInput(row);
			while (!deflater.needsInput())
				z.write(buffer, 0, deflater.deflate(buffer));
		}
		deflater.finish();
		while (!deflater.finished())
			z.write(buffer, 0, deflater.deflate(buffer));
		deflater.end();
		return png(width, height, z.toByteArray());
	}

	/** A PNG whose header declares width × height but whose pixel data ({@code idat}) may be anything. */
	public static byte[] png(final int width, final int height, final byte[] idat) {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put(
			(byte) 0).put((byte) 0).put((byte) 0).array());
		chunk(out, "IDAT", idat);
		chunk(out, "IEND", new byte[0]);
		return out.toByteArray();
	}

	private static void chunk(final ByteArrayOutputStream out, final String type, final byte[] data) {
		final byte[] t = type.getBytes(StandardCharsets.US_ASCII);
		final CRC32 crc = new CRC32();
		crc.update(t);
		crc.update(data);
		out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
		out.writeBytes(t);
		out.writeBytes(data);
		out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
	}

	/**
	 * Just enough blank 2048² pages to pass this JVM's budget, then a PNG whose pixel data is damaged: the set is
	 * refused for its size, which shows that no page was decoded before the headers of all were added up.
	 */
	public static Path blankFolderOverTheBudget(final Path dir) throws Exception {
		final long page = 2048 * 2048;
		final long pages = PixelBudget.ofHeap("x").allowed() / page + 1;
		final byte[] blank = TestPngs.black(2048, 2048);
		for (int i = 0; i < pages; i++)
			Files.write(dir.resolve(String.format("blank-%03d.png", i)), blank);
		Files.write(dir.resolve("zz-damaged.png"), TestPngs.png(4, 4, new byte[] { 1, 2, 3, 4 }));
		return dir;
	}
}
