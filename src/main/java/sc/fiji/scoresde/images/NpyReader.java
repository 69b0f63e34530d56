package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import sc.fiji.scoresde.io.BoundedFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import sc.fiji.scoresde.errors.Echo;

/**
 * Reads images from a NumPy .npy file (format 1.0–3.0, C order): one image of shape (H, W), (H, W, C) or (1, H, W, C)
 * with C = 1 or 3, as {@link NpyWriter} and numpy write them, or for {@link #readStack} also N images (N, H, W, C) or
 * (N, H, W) — a 3-D array whose last size is 1 or 3 is one image. float32/float64 are taken as they are, uint8 ÷ 255,
 * uint16 ÷ 65535. The header is read by {@link NpyHeader}, never evaluated.
 */
public final class NpyReader {

	/** byte order (| where it does not apply, = native), then float32/64 or uint8/16 */
	private static final Pattern SUPPORTED_DESCR = Pattern.compile("[<>|=](f4|f8|u1|u2)");

	private NpyReader() {}

	/** Reads a regular file of at most 1 GiB holding one image. */
	public static UserImage read(final Path file) throws IOException {
		return read(BoundedFiles.read(file, 1 << 30, ModelFormatException::new), file.toString());
	}

	/** Reads the bytes of a .npy file holding one image; {@code name} is used in messages. */
	public static UserImage read(final byte[] data, final String file) throws ModelFormatException {
		final java.util.List<UserImage> images = parse(data, file, false);
		return images.get(0);
	}

	/** Reads the bytes of a .npy file holding one image or a stack of N images (N, H, W[, C]). */
	public static java.util.List<UserImage> readStack(final byte[] data, final String file)
		throws ModelFormatException
	{
		return parse(data, file, true);
	}

	private static java.util.List<UserImage> parse(final byte[] data, final String file, final boolean stack)
		throws ModelFormatException
	{
		final ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
		final int[] at = headerAt(b, file);
		final int start = at[0] + at[1];
		final NpyHeader header = header(b, at, file);
		if (header.fortranOrder) throw new ModelFormatException(file + ": Fortran-order arrays are not " +
			"supported; save with numpy.ascontiguousarray");
		final String descr = header.descr;
		if (!SUPPORTED_DESCR.matcher(descr).matches()) throw new ModelFormatException(file + ": the .npy header's " +
			"'descr' is " + Echo.quoted(descr) + ", expected float32, float64, uint8 or uint16 ('<f4', '<f8', '|u1', " +
			"'<u2'; '>' for big-endian)");
		final char kind = descr.charAt(1);
		final int bytes = descr.charAt(2) - '0';
		if (descr.charAt(0) == '>') b.order(ByteOrder.BIG_ENDIAN);
		final long[] shape = header.shape;
		final int dims = shape.length;
		final String shapeText = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
		long n = 1, h, w, c;
		if (dims == 2) {
			h = shape[0];
			w = shape[1];
			c = 1;
		}
		else if (dims == 3 && (shape[2] == 1 || shape[2] == 3)) {
			h = shape[0];
			w = shape[1];
			c = shape[2];
		}
		else if (dims == 3 && stack) {
			n = shape[0];
			h = shape[1];
			w = shape[2];
			c = 1;
		}
		else if (dims == 4 && (stack || shape[0] == 1) && (shape[3] == 1 || shape[3] == 3)) {
			n = shape[0];
			h = shape[1];
			w = shape[2];
			c = shape[3];
		}
		else throw new ModelFormatException(file + ": shape (" + Echo.of(shapeText) + ") is not " + (stack
			? "an image or a stack: (H, W), (H, W, C), (N, H, W) or (N, H, W, C)" : "one image (H, W), (H, W, C) or " +
				"(1, H, W, C)") + " with C = 1 or 3");
		if (h < 1 || w < 1 || h > 1L << 26 || w > 1L << 26 || h * w > 1L << 26) throw new ModelFormatException(file +
			": image size " + w + "×" + h + " is out of range");
		if (n < 1 || n > 1L << 26 || n * h * w > 1L << 26) throw new ModelFormatException(file + ": " + n + " images of " +
			w + "×" + h + " are out of range (at most " + (1L << 26) + " pixels in all)");
		final long count = n * h * w * c;
		if (b.limit() - start != count * bytes) throw new ModelFormatException(file + ": holds " + (b.limit() - start) +
			" data bytes; shape and dtype need " + count * bytes);
		b.position(start);
		final int plane = (int) (h * w), per = (int) (h * w * c);
		final java.util.List<UserImage> out = new java.util.ArrayList<>();
		for (int k = 0; k < n; k++) {
			final float[] chw = new float[per];
			for (int i = 0; i < per; i++) {
				final float v;
				if (kind == 'f') v = bytes == 4 ? b.getFloat() : (float) b.getDouble();
				else v = bytes == 1 ? (b.get() & 0xff) / 255f : (b.getShort() & 0xffff) / 65535f;
				final int pixel = (int) (i / c), channel = (int) (i % c);
				chw[channel * plane + pixel] = v;
			}
			out.add(new UserImage(n > 1 ? file + " image " + k : file, (int) c, (int) h, (int) w, chw));
		}
		return out;
	}
	/**
	 * The header of a .npy file from its first bytes ({@code data} may end after the header): what
	 * {@link NpyShape} needs to weigh a stack before it is read.
	 */
	static NpyHeader header(final byte[] data, final String file) throws ModelFormatException {
		final ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
		return header(b, headerAt(b, file), file);
	}

	/** {offset, length} of the header text, checked against the magic, the version and the data's length. */
	private static int[] headerAt(final ByteBuffer b, final String file) throws ModelFormatException {
		if (b.remaining() < 10 || (b.get(0) & 0xff) != 0x93 || b.get(1) != 'N' || b.get(2) != 'U' || b.get(3) != 'M' ||
			b.get(4) != 'P' || b.get(5) != 'Y') throw new ModelFormatException(file + ": not a .npy file (no \\x93NUMPY " +
				"magic)");
		final int major = b.get(6);
		if (major < 1 || major > 3) throw new ModelFormatException(file + ": .npy format version " + major + " is not " +
			"1, 2 or 3");
		if (major > 1 && b.remaining() < 12) throw new ModelFormatException(file + ": .npy header is damaged");
		final int headerLength = major == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
		final int offset = major == 1 ? 10 : 12;
		if (headerLength < 0 || offset + (long) headerLength > b.limit()) throw new ModelFormatException(file +
			": .npy header is damaged");
		if (headerLength > NpyHeader.MAX_LENGTH) throw new ModelFormatException(file + ": its .npy header has " +
			headerLength + " bytes, more than the " + NpyHeader.MAX_LENGTH + " numpy reads; save the array again " +
			"with numpy.save");
		return new int[] { offset, headerLength };
	}

	private static NpyHeader header(final ByteBuffer b, final int[] at, final String file)
		throws ModelFormatException
	{
		// format 3.0 differs from 2.0 only in allowing UTF-8 in the header
		return NpyHeader.parse(new String(b.array(), at[0], at[1], b.get(6) == 3 ? StandardCharsets.UTF_8
			: StandardCharsets.ISO_8859_1), file);
	}
}
