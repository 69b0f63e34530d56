package sc.fiji.scoresde.train;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import sc.fiji.scoresde.io.ModelFormatException;

/**
 * Reads the idx format of MNIST and Fashion-MNIST ({@code *-images-idx3-ubyte}, optionally gzipped): a big-endian
 * magic 0x00000803, the image count, rows and columns, then one unsigned byte per pixel. Images come back as floats
 * in [0, 1], (N, 1, rows, cols) in C order, as the VE models of the paper take data.
 */
public final class IdxImages {

	/** idx3, unsigned bytes */
	static final int MAGIC = 0x00000803;
	/** far above Fashion-MNIST's 60,000 training images; guards against a hostile header */
	static final long MAX_PIXELS = 1L << 31;

	public final int count;
	public final int rows;
	public final int cols;
	public final float[] pixels;

	private IdxImages(final int count, final int rows, final int cols, final float[] pixels) {
		this.count = count;
		this.rows = rows;
		this.cols = cols;
		this.pixels = pixels;
	}

	/** @param limit read at most this many images (all when ≤ 0) */
	public static IdxImages read(final Path file, final int limit) throws IOException {
		final boolean gz = file.getFileName().toString().endsWith(".gz");
		try (InputStream raw = Files.newInputStream(file); InputStream in = gz ? new GZIPInputStream(raw) : raw;
			DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16)))
		{
			final int magic = data.readInt();
			if (magic != MAGIC) throw new ModelFormatException(file + ": magic 0x" + Integer.toHexString(magic) +
				" is not that of an idx3 unsigned-byte image file (0x803)");
			final int n = data.readInt(), rows = data.readInt(), cols = data.readInt();
			if (n < 0 || rows <= 0 || cols <= 0 || (long) n * rows * cols > MAX_PIXELS) throw new ModelFormatException(
				file + ": impossible idx dimensions " + n + "×" + rows + "×" + cols);
			final int count = limit > 0 ? Math.min(limit, n) : n;
			final float[] pixels = new float[count * rows * cols];
			final byte[] image = new byte[rows * cols];
			for (int i = 0; i < count; i++) {
				data.readFully(image);
				for (int j = 0; j < image.length; j++)
					pixels[i * image.length + j] = (image[j] & 0xff) / 255f;
			}
			return new IdxImages(count, rows, cols, pixels);
		}
		catch (final EOFException e) {
			throw new ModelFormatException(file + ": idx file ends early (truncated?)", e);
		}
	}

	/**
	 * The paper's rule of thumb for σmax (Song & Ermon 2020, technique 1): the largest Euclidean distance between two
	 * training images, here over the first {@code sample} images.
	 */
	public static double largestPairwiseDistance(final float[] images, final int count, final int dims,
		final int sample)
	{
		final int n = Math.min(count, sample);
		double best = 0;
		for (int a = 0; a < n; a++)
			for (int b = a + 1; b < n; b++) {
				double d = 0;
				for (int j = 0; j < dims; j++) {
					final double diff = images[a * dims + j] - images[b * dims + j];
					d += diff * diff;
				}
				best = Math.max(best, d);
			}
		return Math.sqrt(best);
	}
}
