package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.errors.ModelFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

import sc.fiji.scoresde.errors.Echo;

/**
 * Entry point for fuzzing the restricted unpickler on raw pickle bytes. A dict it builds goes on to become a state
 * dict as from an archive: storages of up to 1 MiB (the bound a small archive entry would impose) resolve to zero
 * bytes, larger ones to an error, and all of them together may need at most 16 MiB of heap.
 */
public final class PickleFuzzing {

	private static final long MAX_STORAGE_BYTES = 1 << 20;
	private static final long HEAP_BYTES = 16 << 20;

	private PickleFuzzing() {}

	public static Object load(final byte[] pickle) throws IOException {
		final Object root = new RestrictedUnpickler(pickle, "fuzz input").load();
		if (!(root instanceof Map)) return root;
		return TorchCheckpoint.stateDict(root, "fuzz input", wanted -> HEAP_BYTES, new TorchCheckpoint.StorageSource() {

			@Override
			public void check(final StorageView.Storage s) throws ModelFormatException {
				if (s.byteSize > MAX_STORAGE_BYTES) throw new ModelFormatException("fuzz input: storage " + Echo.quoted(s.key) +
					" of " + s.byteSize + " bytes is larger than its (simulated) archive entry");
			}

			@Override
			public ByteBuffer read(final StorageView.Storage s) {
				return ByteBuffer.allocate((int) s.byteSize);
			}
		});
	}
}
