package sc.fiji.scoresde.images;

import sc.fiji.scoresde.io.AtomicFiles;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes 8-bit images as PNG, one file per image: {@code out.png} for a single image, {@code out-0.png},
 * {@code out-1.png}, … for a batch. One channel is written as grey, three as RGB.
 */
public final class PngWriter {

	private PngWriter() {}

	/** The files {@link #write} creates for a batch of {@code count} images. */
	public static List<Path> fileNames(final Path target, final int count) {
		final List<Path> out = new ArrayList<>();
		if (count == 1) {
			out.add(target);
			return out;
		}
		final String name = target.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		final String stem = dot > 0 ? name.substring(0, dot) : name;
		final String ext = dot > 0 ? name.substring(dot) : ".png";
		for (int i = 0; i < count; i++)
			out.add(target.resolveSibling(stem + "-" + i + ext));
		return out;
	}

	/**
	 * Writes the batch all or nothing: if any file fails (a full disk), none of the set is left and files of the
	 * same names from before are kept.
	 *
	 * @param nhwc uint8 pixels (as diffusers' "pil" output), image-major, channels last
	 * @return the files written
	 */
	public static List<Path> write(final Path target, final byte[] nhwc, final int count, final int height,
		final int width, final int channels) throws IOException
	{
		if (channels != 1 && channels != 3) throw new IllegalArgumentException("PNG holds 1 or 3 channels; the model" +
			" makes " + channels + " (write .tif or .npy instead)");
		final List<Path> files = fileNames(target, count);
		// one image at a time: a large batch is never held as images and PNG files at once
		AtomicFiles.writeAll(files, (n, out) -> encode(image(nhwc, n, height, width, channels), out));
		return files;
	}

	private static BufferedImage image(final byte[] nhwc, final int n, final int height, final int width,
		final int channels)
	{
		final BufferedImage img = new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
			: BufferedImage.TYPE_INT_RGB);
		final int base = n * height * width * channels;
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				final int p = base + (y * width + x) * channels;
				if (channels == 1) img.getRaster().setSample(x, y, 0, nhwc[p] & 0xff);
				else img.setRGB(x, y, (nhwc[p] & 0xff) << 16 | (nhwc[p + 1] & 0xff) << 8 | (nhwc[p + 2] & 0xff));
			}
		return img;
	}

	/**
	 * PNG bytes onto {@code out}, failing with the stream's own IOException. (ImageIO.write would buffer through a
	 * cache file in java.io.tmpdir and, on a full disk, leave a NullPointerException trace from its closer thread.)
	 */
	static void encode(final BufferedImage img, final OutputStream out) throws IOException {
		final Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
		if (!writers.hasNext()) throw new IOException("this Java has no PNG writer");
		final ImageWriter writer = writers.next();
		try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
			writer.setOutput(stream);
			writer.write(img);
		}
		finally {
			writer.dispose();
		}
	}

	/**
	 * Writes the whole batch as one PNG: a grid of {@code columns} images per row, {@code gap} black pixels between
	 * them, each image scaled up {@code zoom} times (nearest neighbour).
	 */
	public static Path writeGrid(final Path target, final byte[] nhwc, final int count, final int height,
		final int width, final int channels, final int columns, final int gap, final int zoom) throws IOException
	{
		if (channels != 1 && channels != 3) throw new IllegalArgumentException("PNG holds 1 or 3 channels; the model" +
			" makes " + channels + " (write .tif or .npy instead)");
		if (columns < 1 || gap < 0 || zoom < 1 || zoom > 64) throw new IllegalArgumentException("grid needs columns ≥ 1," +
			" gap ≥ 0 and zoom in 1..64");
		final int cols = Math.min(columns, count), rows = (count + cols - 1) / cols;
		final int cellW = width * zoom, cellH = height * zoom;
		final long pixels = (long) (cols * (cellW + gap) + gap) * (rows * (cellH + gap) + gap);
		if (pixels > Integer.MAX_VALUE / 4) throw new IllegalArgumentException("the grid would have " + pixels +
			" pixels; write separate files instead");
		final BufferedImage img = new BufferedImage(cols * (cellW + gap) + gap, rows * (cellH + gap) + gap, channels ==
			1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
		for (int n = 0; n < count; n++) {
			final int x0 = gap + (n % cols) * (cellW + gap), y0 = gap + (n / cols) * (cellH + gap);
			final int base = n * height * width * channels;
			for (int y = 0; y < cellH; y++)
				for (int x = 0; x < cellW; x++) {
					final int p = base + ((y / zoom) * width + x / zoom) * channels;
					if (channels == 1) img.getRaster().setSample(x0 + x, y0 + y, 0, nhwc[p] & 0xff);
					else img.setRGB(x0 + x, y0 + y, (nhwc[p] & 0xff) << 16 | (nhwc[p + 1] & 0xff) << 8 | (nhwc[p + 2] &
						0xff));
				}
		}
		AtomicFiles.write(target, out -> encode(img, out));
		return target;
	}
}
