package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.DType;
import sc.fiji.scoresde.model.HostTensor;

import sc.fiji.scoresde.errors.ModelFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import sc.fiji.scoresde.errors.Echo;

/**
 * A tensor as a torch.save pickle describes it: a view (offset, size, stride) into a storage that other tensors may
 * share. The view is checked against the size its storage declares as soon as the pickle builds it; its bytes come
 * later, once every storage the state dict uses has been counted against the heap and read, each only once.
 */
final class StorageView {

	/** A storage named by a persistent id ('storage', type, key, location, numel); its bytes are read by key. */
	static final class Storage {

		final String key;
		final DType dtype;
		final long numel;
		/** numel · dtype.bytes(), the bytes the archive entry must hold */
		final long byteSize;

		Storage(final String key, final DType dtype, final long numel, final long byteSize) {
			this.key = key;
			this.dtype = dtype;
			this.numel = numel;
			this.byteSize = byteSize;
		}
	}

	final Storage storage;
	private final long offset;
	private final long[] size;
	private final long[] stride;
	private final long numel;
	private final boolean contiguous;

	private StorageView(final Storage storage, final long offset, final long[] size, final long[] stride,
		final long numel)
	{
		this.storage = storage;
		this.offset = offset;
		this.size = size;
		this.stride = stride;
		this.numel = numel;
		this.contiguous = isContiguous(size, stride);
	}

	/** A view that stays inside its storage, or an error naming the storage and the size seen. */
	static StorageView of(final String source, final Storage storage, final long offset, final long[] size,
		final long[] stride) throws ModelFormatException
	{
		final String name = "storage " + Echo.quoted(storage.key);
		if (size.length != stride.length) throw new ModelFormatException(source + ": tensor size " + Arrays.toString(
			size) + " and stride " + Arrays.toString(stride) + " differ in length");
		final long n;
		long last = offset;
		try {
			n = HostTensor.numel(size);
			for (int i = 0; i < size.length; i++) {
				if (stride[i] < 0) throw new ModelFormatException(source + ": tensor on " + name +
					" has a negative stride");
				if (size[i] > 0) last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
			}
		}
		catch (final ArithmeticException | IllegalArgumentException e) {
			throw new ModelFormatException(source + ": tensor on " + name + " has an impossible size " + Arrays
				.toString(size));
		}
		if (n > storage.numel) throw new ModelFormatException(source + ": tensor of size " + Arrays.toString(size) +
			" has more elements than its " + name + " (" + storage.numel + "); expanded views are not weights");
		if (offset < 0 || offset > storage.numel || (n > 0 && last >= storage.numel)) throw new ModelFormatException(
			source + ": tensor of size " + Arrays.toString(size) + " at offset " + offset + " reaches past " + name +
				" of " + storage.numel + " elements");
		return new StorageView(storage, offset, size.clone(), stride.clone(), n);
	}

	/** Heap bytes this tensor needs besides its storage: none when it can share the storage's bytes. */
	long copyBytes() {
		return contiguous ? 0 : numel * storage.dtype.bytes();
	}

	/**
	 * The tensor over the storage's bytes: a contiguous view shares them (torch.load shares a storage between its
	 * views too), a strided one is copied into C order.
	 *
	 * @param bytes the storage, exactly storage.byteSize long
	 */
	HostTensor tensor(final ByteBuffer bytes) {
		final int eb = storage.dtype.bytes();
		if (contiguous) {
			final ByteBuffer shared = bytes.duplicate();
			shared.position(Math.toIntExact(offset * eb));
			shared.limit(Math.toIntExact((offset + numel) * eb));
			return new HostTensor(storage.dtype, size, shared.slice().order(ByteOrder.LITTLE_ENDIAN));
		}
		final ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(numel * eb)).order(ByteOrder.LITTLE_ENDIAN);
		final long[] index = new long[size.length];
		for (long k = 0; k < numel; k++) {
			long e = offset;
			for (int d = 0; d < size.length; d++)
				e += index[d] * stride[d];
			for (int b = 0; b < eb; b++)
				out.put(bytes.get(Math.toIntExact(e * eb + b)));
			for (int d = size.length - 1; d >= 0; d--) {
				if (++index[d] < size[d]) break;
				index[d] = 0;
			}
		}
		out.flip();
		return new HostTensor(storage.dtype, size, out);
	}

	private static boolean isContiguous(final long[] size, final long[] stride) {
		long expected = 1;
		for (int d = size.length - 1; d >= 0; d--) {
			if (size[d] != 1 && stride[d] != expected) return false;
			expected *= size[d];
		}
		return true;
	}
}
