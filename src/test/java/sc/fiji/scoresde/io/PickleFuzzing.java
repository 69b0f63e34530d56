package sc.fiji.scoresde.io;

import java.nio.ByteBuffer;

/**
 * Entry point for fuzzing the restricted unpickler on raw pickle bytes: storages resolve to zero bytes of the
 * claimed size when it is below the bound a real archive entry would impose (1 MiB here), else to an error.
 */
public final class PickleFuzzing {

	private static final long MAX_STORAGE_BYTES = 1 << 20;

	private PickleFuzzing() {}

	public static Object load(final byte[] pickle) throws ModelFormatException {
		return new RestrictedUnpickler(pickle, "fuzz input", (key, dtype, numel) -> {
			final long bytes;
			try {
				bytes = Math.multiplyExact(numel, dtype.bytes());
			}
			catch (final ArithmeticException e) {
				throw new ModelFormatException("fuzz input: storage " + key + " size overflows");
			}
			if (bytes > MAX_STORAGE_BYTES) throw new ModelFormatException("fuzz input: storage " + key + " of " + bytes +
				" bytes is larger than its (simulated) archive entry");
			return ByteBuffer.allocate((int) bytes);
		}).load();
	}
}
