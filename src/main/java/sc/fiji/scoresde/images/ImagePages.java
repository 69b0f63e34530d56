package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import sc.fiji.scoresde.errors.Echo;

/**
 * The pages of one PNG, TIFF, JPEG, BMP or GIF file as Java's ImageIO decodes them, opened without trusting the
 * file: a TIFF's pages are counted by {@link TiffPages} (bounded, loops refused) and every page's size is read from
 * its header, so that the user-image reader and the training reader can refuse a page or a whole set before any
 * pixel is decoded. Owns its stream and reader: {@link #close} releases both.
 */
public final class ImagePages implements AutoCloseable {

	/**
	 * The largest page decoded: 2048², twice the side of the largest published model (1024²). A page is converted to
	 * floats through a full ARGB or raster copy, so an 8192² palette GIF of a few bytes made the reader allocate over
	 * 1 GB (found by the fuzzer in a 460 MB heap).
	 */
	public static final long MAX_PAGE_PIXELS = 1L << 22;

	private final String source;
	private final ImageInputStream in;
	private final ImageReader reader;
	/** the pages that will be read: all the file holds, or its first {@code limit} */
	public final int count;
	private final boolean paged;

	private ImagePages(final String source, final ImageInputStream in, final ImageReader reader, final int count,
		final boolean paged)
	{
		this.source = source;
		this.in = in;
		this.reader = reader;
		this.count = count;
		this.paged = paged;
	}

	/**
	 * Opens the image in {@code in} (which this object then owns, also when opening fails) and counts its pages, at
	 * most {@code limit} (all when ≤ 0; with 1 a multi-page file is not counted further).
	 *
	 * @param source names the file in messages
	 */
	public static ImagePages open(final ImageInputStream in, final String source, final int limit)
		throws ModelFormatException
	{
		final String name = Echo.of(source);
		if (in == null) throw new ModelFormatException(name + ": cannot be opened as an image");
		ImageReader reader = null;
		boolean opened = false;
		try {
			final int tiffPages = TiffPages.isTiff(in) ? TiffPages.count(in, source, limit) : 0;
			final Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
			if (!readers.hasNext()) throw new ModelFormatException(name + ": not an image format Java can read " +
				"(PNG, TIFF, JPEG, BMP, GIF)");
			reader = readers.next();
			reader.setInput(in, false, true);
			final int all = tiffPages > 0 ? tiffPages : limit == 1 ? 1 : reader.getNumImages(true);
			if (all < 1) throw new ModelFormatException(name + ": holds no image");
			final ImagePages pages = new ImagePages(source, in, reader, limit > 0 ? Math.min(limit, all) : all,
				all > 1);
			opened = true;
			return pages;
		}
		catch (final ModelFormatException e) {
			throw e;
		}
		catch (final IOException | RuntimeException e) {
			throw new ModelFormatException(name + ": cannot be decoded: " + Echo.of(e.getMessage()), e);
		}
		finally {
			if (!opened) release(reader, in);
		}
	}

	/** "file page k" for a multi-page file, the file's name otherwise. */
	public String name(final int page) {
		return paged ? source + " page " + (page + 1) : source;
	}

	/**
	 * The pixels (width × height) of the pages to be read, from their headers; a page above {@link #MAX_PAGE_PIXELS}
	 * or of no pixels is refused.
	 */
	public long declaredPixels() throws ModelFormatException {
		long pixels = 0;
		for (int page = 0; page < count; page++)
			pixels += pixelsOf(page);
		return pixels;
	}

	private long pixelsOf(final int page) throws ModelFormatException {
		final long w, h;
		try {
			w = reader.getWidth(page);
			h = reader.getHeight(page);
		}
		catch (final IOException | RuntimeException e) {
			throw new ModelFormatException(Echo.of(name(page)) + ": cannot be decoded: " + Echo.of(e.getMessage()), e);
		}
		if (w < 1 || h < 1 || w * h > MAX_PAGE_PIXELS) throw new ModelFormatException(Echo.of(name(page)) +
			": declares " + w + "×" + h + " pixels; images of at most " + MAX_PAGE_PIXELS + " pixels (2048×2048) " +
			"are read, so crop or scale it down");
		return w * h;
	}

	/** Decodes one page, once its header has declared an acceptable size. */
	public BufferedImage read(final int page) throws ModelFormatException {
		pixelsOf(page);
		try {
			final BufferedImage image = reader.read(page);
			if (image == null) throw new ModelFormatException(Echo.of(name(page)) + ": holds no image");
			return image;
		}
		catch (final ModelFormatException e) {
			throw e;
		}
		catch (final IOException | RuntimeException e) {
			throw new ModelFormatException(Echo.of(name(page)) + ": cannot be decoded: " + Echo.of(e.getMessage()), e);
		}
	}

	@Override
	public void close() {
		release(reader, in);
	}

	private static void release(final ImageReader reader, final ImageInputStream in) {
		if (reader != null) reader.dispose();
		try {
			in.close();
		}
		catch (final IOException e) {
			// a stream over bytes or a file opened for reading: closing it cannot lose anything
		}
	}
}
