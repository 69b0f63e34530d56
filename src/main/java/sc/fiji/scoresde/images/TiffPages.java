package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

import javax.imageio.stream.ImageInputStream;

import sc.fiji.scoresde.errors.Echo;

/**
 * Counts the pages of a classic TIFF by walking its chain of image file directories (IFDs) with a visited set and a
 * page bound. The JDK's TIFF reader counts pages ({@code getNumImages(true)}) by following each IFD's next-IFD offset
 * until it reads 0, so a 2 KB file whose last offset points back at an earlier IFD kept it busy forever; the image
 * readers ask this walker first and give the JDK reader only page indices the walk has proven to exist.
 * <p>
 * Layout walked (TIFF 6.0, section 2): "II" (little endian) or "MM" (big endian), 42, the offset of IFD 0; an IFD is
 * a 2-byte entry count, 12 bytes per entry, then the 4-byte offset of the next IFD (0 ends the chain). BigTIFF
 * (version 43, 8-byte offsets) is refused: the JDK's reader does not read it either.
 */
public final class TiffPages {

	/**
	 * The most pages counted in one file: 131072, above a TIFF stack of all 70,000 MNIST images; it bounds the walk
	 * of a file whose chain visits many distinct offsets and the visited set (a few MB).
	 */
	public static final int MAX_PAGES = 1 << 17;

	private static final int CLASSIC = 42, BIG = 43;

	private TiffPages() {}

	/** Whether the stream starts with a TIFF header, classic or BigTIFF; the stream's position is kept. */
	public static boolean isTiff(final ImageInputStream in) throws IOException {
		final byte[] head = new byte[4];
		in.mark();
		try {
			in.readFully(head);
		}
		catch (final EOFException e) {
			return false;
		}
		finally {
			in.reset();
		}
		final boolean little = head[0] == 'I' && head[1] == 'I' && head[3] == 0 && (head[2] == CLASSIC ||
			head[2] == BIG);
		final boolean big = head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == CLASSIC || head[3] == BIG);
		return little || big;
	}

	/**
	 * The number of pages of the TIFF in {@code in}, at most {@code limit} (all when ≤ 0: the walk stops at the
	 * first {@code limit} pages, so a loop further on is not seen). On return the stream is at position 0 in its old
	 * byte order, ready for an ImageReader.
	 *
	 * @param source names the file in messages
	 * @return at least 1
	 * @throws ModelFormatException with a sentence when the header is not classic TIFF, an IFD lies outside the
	 *           file, the chain loops or holds more than {@link #MAX_PAGES} pages
	 */
	public static int count(final ImageInputStream in, final String source, final int limit)
		throws ModelFormatException
	{
		final String name = Echo.of(source);
		final ByteOrder kept = in.getByteOrder();
		int pages = 0;
		try {
			in.seek(0);
			final int b0 = in.read(), b1 = in.read();
			if (b0 == 'I' && b1 == 'I') in.setByteOrder(ByteOrder.LITTLE_ENDIAN);
			else if (b0 == 'M' && b1 == 'M') in.setByteOrder(ByteOrder.BIG_ENDIAN);
			else throw new ModelFormatException(name + ": is not a TIFF file (it does not start with II or MM)");
			final int version = in.readUnsignedShort();
			if (version == BIG) throw new ModelFormatException(name + ": is a BigTIFF, which Java's TIFF reader " +
				"does not read; save it as a classic TIFF (under 4 GB) or as PNG files");
			if (version != CLASSIC) throw new ModelFormatException(name + ": TIFF version " + version + " is not 42 " +
				"(the file is damaged or not a TIFF)");
			final long length = in.length();
			long ifd = in.readUnsignedInt();
			if (ifd == 0) throw new ModelFormatException(name + ": holds no image (its first IFD offset is 0)");
			final Map<Long, Integer> pageAt = new HashMap<>();
			while (ifd != 0 && (limit <= 0 || pages < limit)) {
				final Integer earlier = pageAt.putIfAbsent(ifd, pages + 1);
				if (earlier != null) throw new ModelFormatException(name + ": its page chain loops (the IFD after " +
					"page " + pages + " is page " + earlier + "'s, at offset " + ifd + "); the file is damaged, " +
					"save it again");
				if (pages == MAX_PAGES) throw new ModelFormatException(name + ": holds more than " + MAX_PAGES +
					" pages; split the stack into smaller files");
				if (ifd < 8 || length >= 0 && ifd + 6 > length) throw new ModelFormatException(name + ": the IFD " +
					"of page " + (pages + 1) + " at offset " + ifd + " lies outside the file" + (length >= 0 ? " (" +
						length + " bytes)" : "") + "; the file is damaged or cut short");
				in.seek(ifd);
				final int entries = in.readUnsignedShort();
				final long next = ifd + 2 + 12L * entries;
				if (length >= 0 && next + 4 > length) throw new ModelFormatException(name + ": the IFD of page " +
					(pages + 1) + " (" + entries + " entries at offset " + ifd + ") runs past the end of the file (" +
					length + " bytes); the file is damaged or cut short");
				in.seek(next);
				ifd = in.readUnsignedInt();
				pages++;
			}
			in.seek(0);
			return pages;
		}
		catch (final EOFException | IndexOutOfBoundsException e) {
			// a stream of unknown length finds an offset past its end only by reading there (a memory cache
			// refuses offsets past 2 GiB with IndexOutOfBoundsException: found by the fuzzer)
			throw new ModelFormatException(name + ": the IFD of page " + (pages + 1) + " lies outside the file or " +
				"runs past its end; the file is damaged or cut short", e);
		}
		catch (final ModelFormatException e) {
			throw e;
		}
		catch (final IOException e) {
			throw new ModelFormatException(name + ": cannot be read: " + Echo.of(e.getMessage()), e);
		}
		finally {
			in.setByteOrder(kept);
		}
	}
}
