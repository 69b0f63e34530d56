package sc.fiji.scoresde.images;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.images.PixelBudget;

/**
 * Reads the idx format of MNIST and Fashion-MNIST ({@code *-images-idx3-ubyte}, optionally gzipped): a big-endian
 * magic 0x00000803, the image count, rows and columns, then one unsigned byte per pixel. Images come back as floats
 * in [0, 1], (N, 1, rows, cols) in C order, as the VE models of the paper take data.
 */
public final class IdxImages {

	/** idx3, unsigned bytes */
	public static final int MAGIC = 0x00000803;
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

	/**
	 * {images, pixels}: how many images (at most {@code limit}; all when ≤ 0) the file's header declares and their
	 * pixels, read from the 16-byte header only.
	 */
	public static long[] declared(final Path file, final int limit) throws IOException {
		try (DataInputStream data = open(file)) {
			final int[] nrc = header(data, file);
			final long count = limit > 0 ? Math.min(limit, nrc[0]) : nrc[0];
			return new long[] { count, count * nrc[1] * nrc[2] };
		}
		catch (final EOFException e) {
			throw new ModelFormatException(file + ": idx file ends early (truncated?)", e);
		}
	}

	/**
	 * @param limit read at most this many images (all when ≤ 0); the images kept must fit this JVM's
	 *          {@link PixelBudget}, which is checked from the header before the pixels are allocated
	 */
	public static IdxImages read(final Path file, final int limit) throws IOException {
		try (DataInputStream data = open(file)) {
			final int[] nrc = header(data, file);
			final int n = nrc[0], rows = nrc[1], cols = nrc[2];
			final int count = limit > 0 ? Math.min(limit, n) : n;
			final long pixels = (long) count * rows * cols;
			final PixelBudget budget = PixelBudget.ofHeap(file.toString());
			budget.add(pixels, count);
			budget.check();
			if (pixels > Integer.MAX_VALUE - 8) throw new ModelFormatException(file + ": " + count + " images of " +
				rows + "×" + cols + " are more pixels than one array holds; read fewer (the command's --count or " +
				"--limit)");
			if (!isGzip(file) && Files.size(file) < 16 + pixels) throw new ModelFormatException(file + ": idx " +
				"file ends early (truncated?): it holds " + Files.size(file) + " bytes, its header declares " + n +
				" images of " + rows + "×" + cols);
			final float[] values = new float[(int) pixels];
			final byte[] image = new byte[rows * cols];
			for (int i = 0; i < count; i++) {
				data.readFully(image);
				for (int j = 0; j < image.length; j++)
					values[i * image.length + j] = (image[j] & 0xff) / 255f;
			}
			return new IdxImages(count, rows, cols, values);
		}
		catch (final EOFException e) {
			throw new ModelFormatException(file + ": idx file ends early (truncated?)", e);
		}
	}

	private static boolean isGzip(final Path file) {
		return file.getFileName().toString().endsWith(".gz");
	}

	private static DataInputStream open(final Path file) throws IOException {
		final InputStream raw = Files.newInputStream(file);
		try {
			return new DataInputStream(new java.io.BufferedInputStream(isGzip(file) ? new GZIPInputStream(raw) : raw,
				1 << 16));
		}
		catch (final IOException e) {
			raw.close();
			throw new ModelFormatException(file + ": not a gzip file (" + e.getMessage() + ")", e);
		}
	}

	/** {images, rows, cols} from the header, each checked. */
	private static int[] header(final DataInputStream data, final Path file) throws IOException {
		final int magic = data.readInt();
		if (magic != MAGIC) throw new ModelFormatException(file + ": magic 0x" + Integer.toHexString(magic) +
			" is not that of an idx3 unsigned-byte image file (0x803)");
		final int n = data.readInt(), rows = data.readInt(), cols = data.readInt();
		if (n < 0 || rows <= 0 || cols <= 0 || (long) rows * cols >= MAX_PIXELS || (long) n * rows * cols >
			MAX_PIXELS) throw new ModelFormatException(file + ": impossible idx dimensions " + n + "×" + rows + "×" +
				cols);
		return new int[] { n, rows, cols };
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
