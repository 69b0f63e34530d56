package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The images and pixels a .npy file declares, from its header alone (the first few KB, read by {@link NpyReader}'s
 * header parser), so that a stack can be weighed against the {@link PixelBudget} before {@link NpyReader} decodes it.
 * Shapes are counted as NpyReader reads them: (H, W), (H, W, C) and (N, H, W, C) with C = 1 or 3, otherwise (N, H, W).
 * A header that does not parse counts as nothing: NpyReader then refuses the file with its own message.
 */
final class NpyShape {

	/** magic (6), version (2), header length (2 or 4), then a header of at most {@link NpyHeader#MAX_LENGTH} */
	private static final int HEAD_BYTES = 12 + NpyHeader.MAX_LENGTH;

	private NpyShape() {}

	/** {images (at most {@code limit}, all when ≤ 0), pixels of all images}: the whole file is decoded at once. */
	static long[] declared(final Path file, final int limit) throws IOException {
		final byte[] head;
		try (InputStream in = Files.newInputStream(file)) {
			head = in.readNBytes(HEAD_BYTES);
		}
		final long[] shape;
		try {
			shape = NpyReader.header(head, file.toString()).shape;
		}
		catch (final ModelFormatException e) {
			return new long[2];
		}
		final int dims = shape.length;
		final boolean lastIsChannels = dims >= 3 && (shape[dims - 1] == 1 || shape[dims - 1] == 3);
		final int imageDims = lastIsChannels ? dims - 1 : dims;
		if (imageDims < 2 || imageDims > 3) return new long[2];
		final long n = imageDims == 3 ? shape[0] : 1, h = shape[imageDims - 2], w = shape[imageDims - 1];
		final long pixels = saturatingProduct(saturatingProduct(n, h), w);
		return new long[] { limit > 0 ? Math.min(n, limit) : n, pixels };
	}

	private static long saturatingProduct(final long a, final long b) {
		return b != 0 && a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
	}
}
