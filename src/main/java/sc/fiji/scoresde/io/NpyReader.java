package sc.fiji.scoresde.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads images from a NumPy .npy file (format 1.0–3.0, C order): one image of shape (H, W), (H, W, C) or (1, H, W, C)
 * with C = 1 or 3, as {@link NpyWriter} and numpy write them, or for {@link #readStack} also N images (N, H, W, C) or
 * (N, H, W) — a 3-D array whose last size is 1 or 3 is one image. float32/float64 are taken as they are, uint8 ÷ 255,
 * uint16 ÷ 65535. The header is parsed as text with fixed patterns, never evaluated.
 */
public final class NpyReader {

	private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([fu])(\\d)'");
	private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
	private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

	private NpyReader() {}

	public static UserImage read(final Path file) throws IOException {
		final long size = Files.size(file);
		if (size > 1L << 30) throw new ModelFormatException(file + ": " + size + " bytes is too large for one image");
		return read(Files.readAllBytes(file), file.toString());
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
		if (b.remaining() < 10 || (b.get(0) & 0xff) != 0x93 || b.get(1) != 'N' || b.get(2) != 'U' || b.get(3) != 'M' ||
			b.get(4) != 'P' || b.get(5) != 'Y') throw new ModelFormatException(file + ": not a .npy file (no \\x93NUMPY " +
				"magic)");
		final int major = b.get(6);
		if (major < 1 || major > 3) throw new ModelFormatException(file + ": .npy format version " + major + " is not " +
			"1, 2 or 3");
		if (major > 1 && b.remaining() < 12) throw new ModelFormatException(file + ": .npy header is damaged");
		final int headerLength = major == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
		final long start = (major == 1 ? 10L : 12L) + headerLength;
		if (headerLength < 0 || start > b.limit()) throw new ModelFormatException(file + ": .npy header is damaged");
		final String header = new String(b.array(), major == 1 ? 10 : 12, headerLength, StandardCharsets.ISO_8859_1);
		final Matcher d = DESCR.matcher(header), o = ORDER.matcher(header), s = SHAPE.matcher(header);
		if (!d.find() || !o.find() || !s.find()) throw new ModelFormatException(file + ": .npy header '" + header
			.trim() + "' lacks descr, fortran_order or shape");
		if (o.group(1).equals("True")) throw new ModelFormatException(file + ": Fortran-order arrays are not " +
			"supported; save with numpy.ascontiguousarray");
		final char kind = d.group(2).charAt(0);
		final int bytes = Integer.parseInt(d.group(3));
		if (!(kind == 'f' && (bytes == 4 || bytes == 8) || kind == 'u' && (bytes == 1 || bytes == 2)))
			throw new ModelFormatException(file + ": dtype " + d.group(2) + bytes + " is not float32, float64, uint8 " +
				"or uint16");
		if (d.group(1).equals(">")) b.order(ByteOrder.BIG_ENDIAN);
		final String[] parts = s.group(1).split(",");
		final long[] shape = new long[parts.length];
		int dims = 0;
		for (final String p : parts) {
			if (p.isBlank()) continue;
			try {
				shape[dims++] = Long.parseLong(p.trim());
			}
			catch (final NumberFormatException e) {
				throw new ModelFormatException(file + ": shape (" + s.group(1) + ") is not a list of sizes");
			}
		}
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
		else throw new ModelFormatException(file + ": shape (" + s.group(1).trim() + ") is not " + (stack
			? "an image or a stack: (H, W), (H, W, C), (N, H, W) or (N, H, W, C)" : "one image (H, W), (H, W, C) or " +
				"(1, H, W, C)") + " with C = 1 or 3");
		if (h < 1 || w < 1 || h > 1L << 26 || w > 1L << 26 || h * w > 1L << 26) throw new ModelFormatException(file +
			": image size " + w + "×" + h + " is out of range");
		if (n < 1 || n > 1L << 26 || n * h * w > 1L << 26) throw new ModelFormatException(file + ": " + n + " images of " +
			w + "×" + h + " are out of range (at most " + (1L << 26) + " pixels in all)");
		final long count = n * h * w * c;
		if (b.limit() - start != count * bytes) throw new ModelFormatException(file + ": holds " + (b.limit() - start) +
			" data bytes; shape and dtype need " + count * bytes);
		b.position((int) start);
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
}
