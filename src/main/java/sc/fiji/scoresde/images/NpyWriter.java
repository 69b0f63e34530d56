package sc.fiji.scoresde.images;

import sc.fiji.scoresde.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Writes a float32 array as a NumPy .npy file (format 1.0, little-endian, C order) for exact exchange with Python. */
public final class NpyWriter {

	private NpyWriter() {}

	public static void writeFloat32(final Path file, final float[] values, final long... shape) throws IOException {
		long count = 1;
		for (final long d : shape)
			count *= d;
		if (count != values.length) throw new IllegalArgumentException("shape " + Arrays.toString(
			shape) + " does not hold " + values.length + " values");
		final String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ")) + (shape
			.length == 1 ? "," : "");
		String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
		final int unpadded = 10 + header.length() + 1;
		final int padding = (64 - unpadded % 64) % 64;
		header = header + " ".repeat(padding) + "\n";
		final byte[] h = header.getBytes(StandardCharsets.US_ASCII);
		final ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
		prefix.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
			.putShort((short) h.length);
		AtomicFiles.write(file, out -> {
			out.write(prefix.array());
			out.write(h);
			final ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
			for (int i = 0; i < values.length; i++) {
				chunk.putFloat(values[i]);
				if (!chunk.hasRemaining()) {
					out.write(chunk.array(), 0, chunk.position());
					chunk.clear();
				}
			}
			out.write(chunk.array(), 0, chunk.position());
		});
	}
}
